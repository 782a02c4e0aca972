"""Domain rules: everything that changes state goes through here."""
