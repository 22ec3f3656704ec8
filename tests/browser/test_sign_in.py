"""Sign-in with an API key, held in a session cookie; a scenario is visible only to its key."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import KEY_A, KEY_B, Visit


def _sign_in(visit: Visit, key: str) -> None:
    page = visit.go("/")
    expect(page).to_have_url(re.compile("/sign-in$"))
    page.get_by_label("API key").fill(key)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("h1")).to_have_text("Plan education services")


def test_sign_in_and_see_only_your_own_scenarios(keyed: tuple[Visit, Visit]) -> None:
    first, second = keyed
    page = first.go("/")
    expect(page).to_have_url(re.compile("/sign-in$"))
    first.check("sign-in")
    page.get_by_label("API key").fill("not-a-key")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a valid API key")
    first.check("sign-in-error")

    _sign_in(first, KEY_A)
    cookie = next(c for c in page.context.cookies() if c["name"] == "optimiser_session")
    assert cookie["httpOnly"]
    assert cookie["sameSite"] == "Strict"
    page = first.go("/placements")
    page.get_by_label("Dps small").check()
    page.get_by_label("Scenario name (optional)").fill("Key A's term")
    page.get_by_role("button", name="Plan", exact=True).click()
    page.wait_for_url(re.compile(r"/scenarios/[0-9a-f]{32}$"), timeout=120_000)
    address = page.url

    _sign_in(second, KEY_B)
    other = second.go("/scenarios")
    expect(other.get_by_text("Key A's term")).to_have_count(0)
    response = other.goto(address)
    assert response is not None
    assert response.status == 404
    second.check("not-found")

    page = first.go("/scenarios")
    expect(page.get_by_role("link", name="Key A's term")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile("/sign-in$"))


def test_a_form_without_its_csrf_token_is_refused(keyed: tuple[Visit, Visit]) -> None:
    first, _ = keyed
    _sign_in(first, KEY_A)
    response = first.page.request.post(
        first.base + "/placements/plan", form={"bundled": "dps_small"}
    )
    assert response.status == 403
