"""Work left for after a response runs once its body is sent, even if the server never closes it."""

from matchmaker.jobs.after_response import AfterResponse, call_after_response


def _app(ran: list):
    def wsgi(environ, start_response):
        call_after_response(environ, lambda: ran.append("job"))
        start_response("302 FOUND", [("Location", "/next")])
        return [b"moved"]

    return AfterResponse(wsgi)


def test_the_callback_runs_once_the_body_is_written_without_close():
    # werkzeug's development server skips close() when the browser resets the connection.
    ran, sent = [], []
    body = _app(ran)({}, lambda *a: None)
    for chunk in body:
        sent.append(chunk)
        assert ran == []  # nothing runs before the body has been handed over
    assert sent == [b"moved"]
    assert ran == ["job"]


def test_close_runs_the_callback_once_even_after_iteration():
    ran = []
    body = _app(ran)({}, lambda *a: None)
    list(body)
    body.close()
    assert ran == ["job"]


def test_close_without_iteration_runs_it_and_a_failing_callback_stops_nothing():
    ran = []

    def wsgi(environ, start_response):
        call_after_response(environ, lambda: 1 / 0)
        call_after_response(environ, lambda: ran.append("second"))
        start_response("200 OK", [])
        return [b""]

    AfterResponse(wsgi)({}, lambda *a: None).close()
    assert ran == ["second"]
