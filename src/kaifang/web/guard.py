"""The dashboard's profile of the request guard (``kaifang.webguard``): its security headers and
its name in the refusals. The Host check, the body cap (1 MB by default) and HEAD are the
guard's; the refusals are plain text in both languages.
"""

from __future__ import annotations

from kaifang.webguard import DEFAULT_MAX_BODY, GuardProfile, ServerLimits, host_name

__all__ = [
    "CONTENT_SECURITY_POLICY",
    "DASHBOARD_GUARD",
    "DEFAULT_MAX_BODY",
    "SECURITY_HEADERS",
    "ServerLimits",
    "host_name",
]

# ECharts draws tooltips as HTML with style attributes, so inline *styles* are allowed; inline
# *scripts* and event-handler attributes are not (script-src has no 'unsafe-inline').
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
SECURITY_HEADERS = (
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
)
DASHBOARD_GUARD = GuardProfile(name_zh="看板", name_en="dashboard", headers=SECURITY_HEADERS)
