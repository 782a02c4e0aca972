"""Static files: compressed for browsers, and their files always closed."""

import gc
import warnings


def test_compressed_static_file_is_closed(app):
    client = app.test_client()

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        response = client.get(
            "/static/htmx.min.js",
            headers={"Accept-Encoding": "gzip, deflate, br, zstd"},
        )
        assert response.status_code == 200
        assert response.headers.get("Content-Encoding")
        response.close()
        del response
        gc.collect()

    leaks = [str(w.message) for w in caught if w.category is ResourceWarning]
    assert leaks == []
