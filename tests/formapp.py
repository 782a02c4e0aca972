"""A sample registration-like form on its own app, for the field and upload
tests (also served by gunicorn and werkzeug in a thread)."""

import os

from flask_wtf.file import FileRequired
from jinja2 import ChoiceLoader, DictLoader
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from kerapu import create_app
from kerapu.fields import (
    ImageField,
    KerapuForm,
    RupiahField,
    WhatsAppField,
    password_validators,
)
from kerapu.web import accepts_uploads, render_page

SECRET = "test-secret-key-that-is-long-enough-0123456789"
TEMPLATE_NAME = "uji/daftar.html"
TEMPLATE = """{% extends "base.html" %}
{% from "_macros/forms.html" import field, image_field %}
{% block content %}
<form id="uji" method="post" enctype="multipart/form-data"
      action="{{ url_for('register') }}">
  {{ form.csrf_token }}
  {{ field(form.name) }}
  {{ field(form.email) }}
  {{ field(form.amount) }}
  {{ field(form.whatsapp) }}
  {{ image_field(form.logo) }}
  {{ field(form.password) }}
  {{ field(form.password_again) }}
  <button>Kirim</button>
</form>
{% endblock %}
"""


class SampleForm(KerapuForm):
    name = StringField("Nama Badan Usaha", validators=[DataRequired(), Length(max=20)])
    email = EmailField("Email Badan Usaha", validators=[DataRequired(), Email()])
    amount = RupiahField("Estimasi Nominal", validators=[DataRequired()])
    whatsapp = WhatsAppField("Kontak WhatsApp", validators=[DataRequired()])
    logo = ImageField("Logo Badan Usaha", kind="logo", validators=[FileRequired()])
    password = PasswordField("Password", validators=password_validators())
    password_again = PasswordField(
        "Ulangi Password", validators=[DataRequired(), EqualTo("password")]
    )


def make_app(**config):
    """The KERAPU app plus ``/uji/daftar``, a form with a logo."""
    settings = {
        "DEPLOYMENT": "testing",
        "SECRET_KEY": SECRET,
        "SQLALCHEMY_DATABASE_URI": "sqlite://",
        "WTF_CSRF_ENABLED": True,
        "UPLOAD_FOLDER": os.environ.get("KERAPU_TEST_UPLOADS", ""),
        "MAX_CONTENT_LENGTH": 1024 * 1024,
        "UPLOAD_REQUEST_MAX_BYTES": 6 * 1024 * 1024,
    }
    settings.update(config)
    app = create_app(settings)

    @app.route("/uji/daftar", methods=["GET", "POST"])
    @accepts_uploads
    def register():
        form = SampleForm()
        if form.validate_on_submit():
            name = form.logo.store()
            return {
                "logo": name,
                "amount": form.amount.data,
                "whatsapp": form.whatsapp.data,
            }
        status = 422 if form.is_submitted() else 200
        return render_page(TEMPLATE_NAME, "content", status, form=form)

    @app.post("/uji/biasa")
    def plain():
        return "ok"

    app.jinja_loader = ChoiceLoader(
        [DictLoader({TEMPLATE_NAME: TEMPLATE}), app.jinja_loader]
    )
    return app
