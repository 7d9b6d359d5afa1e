from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.conftest import PHONE


def test_logging_out_works_from_the_menu_on_a_phone(logged_in_page: Page):
    page = logged_in_page
    page.set_viewport_size(PHONE)
    page.goto("/nights/")
    log_out = page.get_by_role("button", name=re.compile("^Log out"))
    expect(log_out).to_be_hidden()

    menu = page.get_by_role("button", name="Menu")
    expect(menu).to_have_attribute("aria-expanded", "false")
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    # Bootstrap animates the menu open ("collapsing"); a click during the animation can
    # land on the moving button's old place, so wait until it has finished opening.
    expect(page.locator("#nav-links")).to_have_class(re.compile(r"(^|\s)show(\s|$)"))
    expect(page.locator("#nav-links")).not_to_have_class(re.compile("collapsing"))
    log_out.click()

    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    # The session really ended: the journal asks to log in again.
    page.goto("/nights/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/nights/$"))
