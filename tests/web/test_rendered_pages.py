"""Every page each role can open, checked for markup that leaks Python values into HTML."""

from __future__ import annotations

import re

import pytest

from tests.web.test_route_matrix import ROLES, ROUTES
from tests.world import build_world

# An attribute rendered from None ("aria-invalid" makes screen readers call the field invalid),
# or a method rendered instead of its value.
LEAKS = re.compile(r'[\w-]+="None"|<built-in method|<bound method|&lt;built-in method')


@pytest.mark.parametrize("role", ROLES)
def test_no_page_renders_none_attributes_or_methods(client, auth, role):
    world = build_world()
    user = world.user(role)
    if user is not None:
        auth.login(user.email)
    leaks = []
    for endpoint, (method, url, expected) in sorted(ROUTES.items()):
        if method != "GET" or expected[role] != 200 or endpoint == "static":
            continue
        response = client.get(url(world))
        if response.mimetype == "text/html":
            found = sorted(set(LEAKS.findall(response.get_data(as_text=True))))
            leaks += [f"{endpoint}: {', '.join(found)}"] if found else []
    assert not leaks, "\n".join(leaks)


def test_a_field_with_an_error_says_so_and_names_its_message(client):
    page = client.post("/auth/reset", data={"email": "not an address"}).get_data(as_text=True)
    field = re.search(r"<input[^>]*id=\"email\"[^>]*>", page).group(0)
    assert 'aria-invalid="true"' in field and 'aria-describedby="email-error"' in field
