"""Steps of deciding a proposal in a real browser that more than one test takes."""

from playwright.sync_api import expect

NEEDS_A_REASON = "Give a reason for each competency that fell short of the target level."


def refuse_a_not_approve_without_reasons(page, note):
    """On a proposal's page: choose "Not approve" in the decision panel, write ``note``
    and record it without a reason. It is refused, and the choice and the note are still
    there. Returns the panel as the page shows it now."""
    panel = page.get_by_role("complementary", name="Decision")
    panel.get_by_role("radio", name="Not approve").check()
    panel.get_by_role("textbox", name="Note (optional)").fill(note)
    panel.get_by_role("button", name="Record the decision").click()
    expect(page.get_by_role("alert")).to_contain_text(NEEDS_A_REASON)
    panel = page.get_by_role("complementary", name="Decision")
    expect(panel.get_by_role("radio", name="Not approve")).to_be_checked()
    expect(panel.get_by_role("textbox", name="Note (optional)")).to_have_value(note)
    return panel
