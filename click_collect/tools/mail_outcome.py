"""What a mail server's refusal of a customer email says: whether sending it again may work.
Plain Python, no ORM."""

import re

# mail.mail failure types that no retry cures
PERMANENT_MAIL_FAILURES = {
    "mail_email_invalid", "mail_email_missing", "mail_from_invalid", "mail_from_missing", "mail_spam",
    "mail_bl", "mail_optout", "mail_dup",
}
# the SMTP reply code in smtplib's errors, e.g. "(451, b'4.3.0 Try again later')"
SMTP_REPLY_CODE = re.compile(r"\((\d{3}), b?['\"]")


def mail_failure_is_temporary(failure_type, failure_reason):
    """Whether sending the mail again later may work: no connection to the mail server, or a
    4xx answer; not a 5xx answer nor a wrong address."""
    if failure_type in PERMANENT_MAIL_FAILURES:
        return False
    if failure_type == "mail_smtp":  # the mail server could not be reached or refused the session
        return True
    code = SMTP_REPLY_CODE.search(failure_reason or "")
    return not (code and code.group(1).startswith("5"))
