"""The platform's zh/en message catalogue (the dashboard's approach: one dict, ``t`` raises on an
unknown key so that a typo fails the tests instead of showing a raw key)."""

from __future__ import annotations

from kaifang.platform.web.ledger_page_messages import LEDGER_PAGE_MESSAGES

LANGS = ("zh", "en")

MESSAGES: dict[str, dict[str, str]] = {
    "app_title": {"zh": "开放型经济数据报送平台", "en": "Open-economy data submission platform"},
    "skip": {"zh": "跳到主要内容", "en": "Skip to main content"},
    "nav_label": {"zh": "主导航", "en": "Main navigation"},
    "nav_periods": {"zh": "报送期", "en": "Periods"},
    "nav_audit": {"zh": "审计日志", "en": "Audit log"},
    "nav_users": {"zh": "用户管理", "en": "Users"},
    "nav_account": {"zh": "我的账户", "en": "My account"},
    "lang_switch": {"zh": "English", "en": "中文"},
    "lang_switch_label": {"zh": "切换到英文", "en": "Switch to Chinese"},
    "logout": {"zh": "退出登录", "en": "Log out"},
    "signed_in_as": {"zh": "当前用户：{name}（{role}）", "en": "Signed in as {name} ({role})"},
    "footer": {
        "zh": "kaifang 开放型经济评估 · 数据报送与审核",
        "en": "kaifang open-economy assessment · data submission and review",
    },
    "simulated_short": {"zh": "模拟数据", "en": "SIMULATED"},
    "simulated_banner": {
        "zh": "本实例中的贵州市（州）数值为模拟数据，仅用于演示，不代表官方统计。",
        "en": "The Guizhou prefecture values in this instance are simulated for demonstration; "
        "they are not official statistics.",
    },
    # login
    "login_title": {"zh": "登录", "en": "Log in"},
    "username": {"zh": "用户名", "en": "Username"},
    "password": {"zh": "密码", "en": "Password"},
    "login_button": {"zh": "登录", "en": "Log in"},
    "login_failed": {"zh": "用户名或密码错误。", "en": "Wrong username or password."},
    "login_throttled": {
        "zh": "登录失败次数过多，请 {minutes} 分钟后再试。",
        "en": "Too many failed logins: try again in {minutes} minutes.",
    },
    # roles and states
    "role_admin": {"zh": "省级管理员", "en": "Administrator"},
    "role_province_reviewer": {"zh": "省级审核员", "en": "Province reviewer"},
    "role_prefecture_reviewer": {"zh": "市（州）审核员", "en": "Prefecture reviewer"},
    "role_filler": {"zh": "填报员", "en": "Filler"},
    "role_viewer": {"zh": "查看员", "en": "Viewer"},
    "state_none": {"zh": "未开始", "en": "Not started"},
    "state_draft": {"zh": "草稿", "en": "Draft"},
    "state_submitted": {"zh": "已提交", "en": "Submitted"},
    "state_prefecture_approved": {"zh": "市（州）已审核", "en": "Approved by prefecture"},
    "state_province_approved": {"zh": "省级已审核（锁定）", "en": "Approved by province (locked)"},
    "state_published": {"zh": "已发布", "en": "Published"},
    "period_state_draft": {"zh": "准备中", "en": "Being prepared"},
    "period_state_open": {"zh": "填报中", "en": "Open"},
    "period_state_closed": {"zh": "已截止", "en": "Closed"},
    "period_state_published": {"zh": "已发布", "en": "Published"},
    # periods
    "periods_title": {"zh": "报送期", "en": "Reporting periods"},
    "period_code": {"zh": "代码", "en": "Code"},
    "period_year": {"zh": "数据年份", "en": "Data year"},
    "period_name": {"zh": "名称", "en": "Name"},
    "period_state": {"zh": "状态", "en": "State"},
    "period_fields": {"zh": "表单指标数", "en": "Form fields"},
    "no_periods": {"zh": "还没有报送期。", "en": "No periods yet."},
    "create_period": {"zh": "新建报送期", "en": "New period"},
    "name_zh": {"zh": "中文名称", "en": "Name (Chinese)"},
    "name_en": {"zh": "英文名称", "en": "Name (English)"},
    "yoy_threshold": {"zh": "同比变动阈值（%）", "en": "Year-on-year threshold (%)"},
    "create": {"zh": "创建", "en": "Create"},
    "open_period": {"zh": "开放填报", "en": "Open"},
    "close_period": {"zh": "截止填报", "en": "Close"},
    "publish_period": {"zh": "发布", "en": "Publish"},
    "published_result": {
        "zh": "已发布：{published}；尚未审核完毕：{pending}",
        "en": "Published: {published}; not yet approved: {pending}",
    },
    "none": {"zh": "无", "en": "none"},
    "regions_title": {"zh": "{period}：各地区报送情况", "en": "{period}: submissions by region"},
    "region": {"zh": "地区", "en": "Region"},
    "submission_state": {"zh": "报送状态", "en": "Submission"},
    "updated": {"zh": "更新时间", "en": "Updated"},
    "open_form": {"zh": "打开", "en": "Open"},
    # form
    "form_title": {"zh": "{region} · {period}", "en": "{region} · {period}"},
    "indicator": {"zh": "指标", "en": "Indicator"},
    "unit": {"zh": "单位", "en": "Unit"},
    "value": {"zh": "数值", "en": "Value"},
    "range": {"zh": "允许范围", "en": "Range"},
    "explanation": {"zh": "说明（触发提示时必填）", "en": "Explanation (needed when flagged)"},
    "check": {"zh": "校验", "en": "Checks"},
    "save": {"zh": "保存", "en": "Save"},
    "saved": {"zh": "已保存。", "en": "Saved."},
    "submit": {"zh": "提交审核", "en": "Submit for review"},
    "submitted_ok": {"zh": "已提交。", "en": "Submitted."},
    "read_only": {
        "zh": "当前状态为“{state}”，数据只读。",
        "en": "The submission is '{state}': the values are read-only.",
    },
    "returned_with": {
        "zh": "已退回，意见：{comment}",
        "en": "Returned with the comment: {comment}",
    },
    "excel": {"zh": "Excel 模板", "en": "Excel template"},
    "download_template": {"zh": "下载本地区模板", "en": "Download this region's template"},
    "upload": {"zh": "上传填好的模板", "en": "Upload the filled template"},
    "upload_button": {"zh": "上传", "en": "Upload"},
    "uploaded_ok": {"zh": "已导入 {n} 个数值。", "en": "{n} values imported."},
    "input_problems": {
        "zh": "文件有误（未导入任何数值）：",
        "en": "Problems in the file (nothing imported):",
    },
    "rule_not_a_number": {"zh": "不是数字：“{text}”", "en": "not a number: '{text}'"},
    "rule_below_range": {
        "zh": "{name}：{value} 低于下限（允许范围 {range}）",
        "en": "{name}: {value} is below the minimum (allowed range {range})",
    },
    "rule_above_range": {
        "zh": "{name}：{value} 高于上限（允许范围 {range}）",
        "en": "{name}: {value} is above the maximum (allowed range {range})",
    },
    "rule_not_positive": {"zh": "必须大于 0", "en": "must be above 0"},
    "rule_unknown_indicator": {
        "zh": "{name}：不是本表单的指标",
        "en": "{name}: not a field of this form",
    },
    "rule_yoy_change": {
        "zh": "同比变动 {change}%，超过 ±{threshold}%，请说明原因",
        "en": "changed {change}% on last year, beyond ±{threshold}%: please explain",
    },
    "rule_outside_history": {
        "zh": "超出近 {years} 年的范围 [{low}, {high}]，请说明原因",
        "en": "outside the last {years} years' range [{low}, {high}]: please explain",
    },
    "hard_rules": {
        "zh": "有数值未通过校验，未保存：",
        "en": "Some values break the rules; nothing was saved:",
    },
    "explanation_needed": {
        "zh": "以下数值触发提示，需填写说明后才能提交：",
        "en": "These values are flagged and need an explanation before submitting:",
    },
    "history": {"zh": "审核记录", "en": "Review history"},
    "action": {"zh": "操作", "en": "Action"},
    "comment": {"zh": "意见/原因", "en": "Comment / reason"},
    "actor": {"zh": "操作人", "en": "By"},
    "time": {"zh": "时间", "en": "Time"},
    "review_title": {"zh": "审核", "en": "Review"},
    "approve": {"zh": "审核通过", "en": "Approve"},
    "return": {"zh": "退回", "en": "Return"},
    "unapprove": {"zh": "撤销审核", "en": "Unapprove"},
    "action_submit": {"zh": "提交", "en": "Submitted"},
    "action_approve": {"zh": "审核通过", "en": "Approved"},
    "action_return": {"zh": "退回", "en": "Returned"},
    "action_unapprove": {"zh": "撤销审核", "en": "Unapproved"},
    "action_publish": {"zh": "发布", "en": "Published"},
    "review_done": {"zh": "已处理。", "en": "Done."},
    "versions": {"zh": "历史版本", "en": "Versions"},
    # refusals
    "not_found": {
        "zh": "未找到（或不在您的权限范围内）。",
        "en": "Not found (or outside your scope).",
    },
    "forbidden": {"zh": "您的角色无权执行此操作。", "en": "Your role may not do this."},
    "locked": {
        "zh": "该报送已于 {at} 进入“{state}”状态并锁定，您的修改未保存。请刷新页面查看最新数据。",
        "en": "This submission became '{state}' and was locked at {at} UTC; your changes were "
        "not saved. Reload the page to see the current values.",
    },
    "stale_form": {
        "zh": "打开本页后数据已被他人修改，您的修改未保存。请刷新页面后重新填写。",
        "en": "The data changed after you opened this page; your changes were not saved. "
        "Reload the page and enter them again.",
    },
    "state_changed": {
        "zh": "该报送的状态已变为“{state}”（可能已被其他审核员处理），本次操作未执行。",
        "en": "The submission is now '{state}' (another reviewer may have acted); "
        "nothing was done.",
    },
    "not_draft": {
        "zh": "只有草稿可以修改（当前：{state}）。",
        "en": "Only a draft can be edited (now: {state}).",
    },
    "period_not_open": {"zh": "报送期 {code} 未开放填报。", "en": "Period {code} is not open."},
    "period_published": {"zh": "报送期 {code} 已发布。", "en": "Period {code} is published."},
    "period_exists": {"zh": "报送期 {code} 已存在。", "en": "Period {code} exists already."},
    "bad_period_code": {
        "zh": "代码只能包含字母、数字、- 和 _（最多 20 个字符）。",
        "en": "A code holds letters, digits, - and _ only (up to 20).",
    },
    "bad_year": {"zh": "年份应在 1900 至 2200 之间。", "en": "The year must lie in 1900-2200."},
    "bad_threshold": {
        "zh": "阈值应在 0 至 1000% 之间。",
        "en": "The threshold must lie in 0-1000%.",
    },
    "bad_period_state": {"zh": "无效状态：{state}", "en": "Not a state: {state}"},
    "bad_transition": {
        "zh": "状态为“{state}”时不能执行“{action}”。",
        "en": "'{action}' is not possible in state '{state}'.",
    },
    "comment_needed": {"zh": "退回时必须填写意见。", "en": "A return needs a comment."},
    "reason_needed": {"zh": "撤销审核必须填写原因。", "en": "Unapproving needs a reason."},
    "nothing_entered": {"zh": "尚未填写任何数值。", "en": "No value has been entered yet."},
    "nothing_to_publish": {
        "zh": "没有省级审核通过的报送，无法发布。",
        "en": "No submission is approved by the province: nothing to publish.",
    },
    "cell_too_long": {
        "zh": "{indicator} 的内容过长。",
        "en": "The entry for {indicator} is too long.",
    },
    "password_length": {
        "zh": "密码长度应为 {min} 至 {max} 个字符。",
        "en": "A password has {min} to {max} characters.",
    },
    "bad_username": {
        "zh": "用户名只能包含字母、数字、_ . -（2 至 64 个字符）。",
        "en": "A username holds letters, digits, _ . - only (2 to 64).",
    },
    "bad_role": {"zh": "无效角色：{role}", "en": "Not a role: {role}"},
    "username_taken": {
        "zh": "用户名 {username} 已被使用。",
        "en": "The username {username} is taken.",
    },
    "scope_empty": {"zh": "请至少指定一个地区代码。", "en": "Give at least one region code."},
    "unknown_regions": {"zh": "未知地区代码：{codes}", "en": "Unknown region codes: {codes}"},
    "cannot_deactivate_self": {
        "zh": "不能停用自己的账户。",
        "en": "You cannot deactivate yourself.",
    },
    "csrf_failed": {
        "zh": "表单已过期或来源不明，请刷新页面后重试。",
        "en": "The form expired or came from elsewhere: reload the page and try again.",
    },
    "too_large": {
        "zh": "请求过大（上限 {mb} MB）。",
        "en": "The request is too large (limit {mb} MB).",
    },
    "bad_request": {"zh": "请求有误。", "en": "Bad request."},
    "server_error": {
        "zh": "服务器内部错误，操作未完成。请稍后重试或联系管理员。",
        "en": "Internal error: nothing was done. Try again later or tell the administrator.",
    },
    "error_title": {"zh": "无法完成操作", "en": "Could not do that"},
    "back": {"zh": "返回", "en": "Back"},
    # audit
    "audit_title": {"zh": "审计日志", "en": "Audit log"},
    "filter": {"zh": "筛选", "en": "Filter"},
    "since": {"zh": "起始日期", "en": "From"},
    "until": {"zh": "截止日期", "en": "To"},
    "object": {"zh": "对象", "en": "Object"},
    "before": {"zh": "修改前", "en": "Before"},
    "after": {"zh": "修改后", "en": "After"},
    "chain_ok": {"zh": "哈希链完整（共 {n} 条）。", "en": "Hash chain intact ({n} entries)."},
    "chain_broken": {
        "zh": "哈希链在第 {id} 条断开！",
        "en": "The hash chain breaks at entry {id}!",
    },
    "any": {"zh": "全部", "en": "any"},
    # users
    "users_title": {"zh": "用户管理", "en": "Users"},
    "display_name": {"zh": "姓名", "en": "Name"},
    "role": {"zh": "角色", "en": "Role"},
    "scope": {"zh": "地区范围（代码，逗号分隔）", "en": "Scope (codes, comma-separated)"},
    "active": {"zh": "启用", "en": "Active"},
    "new_user": {"zh": "新建用户", "en": "New user"},
    "update": {"zh": "更新", "en": "Update"},
    "new_password": {"zh": "新密码（留空则不变）", "en": "New password (blank: unchanged)"},
    "user_saved": {"zh": "已保存用户。", "en": "User saved."},
    "yes": {"zh": "是", "en": "yes"},
    "no": {"zh": "否", "en": "no"},
    # account
    "account_title": {"zh": "我的账户", "en": "My account"},
    "tokens_title": {"zh": "个人 API 令牌", "en": "Personal API tokens"},
    "tokens_lead": {
        "zh": "令牌用于通过接口推送数据（请求头 Authorization: Bearer 令牌）。"
        "令牌只显示一次，服务器仅保存其哈希值。",
        "en": "A token pushes data over the API (header Authorization: Bearer <token>). It is "
        "shown once; the server keeps only its hash.",
    },
    "token_name": {"zh": "令牌名称", "en": "Token name"},
    "create_token": {"zh": "生成令牌", "en": "Create token"},
    "token_created": {
        "zh": "新令牌（请立即复制，之后不再显示）：",
        "en": "New token (copy it now, it is not shown again):",
    },
    "audit_user_create": {"zh": "新建用户", "en": "user created"},
    "audit_user_update": {"zh": "修改用户", "en": "user changed"},
    "audit_token_create": {"zh": "生成令牌", "en": "token created"},
    "audit_token_revoke": {"zh": "撤销令牌", "en": "token revoked"},
    "audit_period_create": {"zh": "新建报送期", "en": "period created"},
    "audit_period_open": {"zh": "开放填报", "en": "period opened"},
    "audit_period_closed": {"zh": "截止填报", "en": "period closed"},
    "audit_period_publish": {"zh": "发布报送期", "en": "period published"},
    "audit_values_form": {"zh": "网页填报数值", "en": "values entered"},
    "audit_values_upload": {"zh": "上传模板数值", "en": "values uploaded"},
    "audit_values_api": {"zh": "接口推送数值", "en": "values pushed (API)"},
    "audit_values_seed": {"zh": "演示数据导入", "en": "demo values loaded"},
    "audit_submit": {"zh": "提交", "en": "submitted"},
    "audit_approve": {"zh": "审核通过", "en": "approved"},
    "audit_return": {"zh": "退回", "en": "returned"},
    "audit_unapprove": {"zh": "撤销审核", "en": "unapproved"},
    "audit_publish": {"zh": "发布", "en": "published"},
    "token_state": {"zh": "状态", "en": "State"},
    "token_active": {"zh": "有效", "en": "active"},
    "token_revoked": {"zh": "已撤销", "en": "revoked"},
    "revoke": {"zh": "撤销", "en": "Revoke"},
    "validating": {"zh": "正在校验…", "en": "Checking…"},
    "ok": {"zh": "通过", "en": "OK"},
    # per-indicator validation rules
    "nav_rules": {"zh": "校验规则", "en": "Validation rules"},
    "rules_title": {"zh": "指标校验规则", "en": "Validation rules by indicator"},
    "rules_title_global": {"zh": "通用规则（适用于所有报送期）", "en": "Rules for every period"},
    "rules_title_period": {"zh": "报送期 {code} 的专用规则", "en": "Rules of period {code} only"},
    "rules_lead": {
        "zh": "上下限为硬性规则：超出范围的数值无法保存和提交。"
        "同比变动阈值与近五年区间为提示性规则：触发时须填写说明。"
        "报送期专用规则优先于通用规则，未设置时使用由计量单位推导的默认规则和报送期的同比阈值。"
        "修改只影响今后的保存和提交，已提交的数据不会被重新校验。",
        "en": "The minimum and maximum are hard rules: a value outside them is neither saved nor "
        "submitted. The year-on-year threshold and the five-year band are soft rules: a flagged "
        "value needs an explanation. A period's own rules take precedence over the rules for "
        "every period; with neither, the range derived from the unit and the period's threshold "
        "apply. A change applies to what is saved and submitted from now on; data already "
        "submitted are not checked again.",
    },
    "rules_level": {"zh": "规则层级", "en": "Level"},
    "rules_global": {"zh": "通用", "en": "Every period"},
    "rule_low": {"zh": "下限", "en": "Minimum"},
    "rule_high": {"zh": "上限", "en": "Maximum"},
    "rule_yoy": {"zh": "同比阈值（%）", "en": "Year-on-year threshold (%)"},
    "rule_band": {"zh": "近五年区间", "en": "Five-year band"},
    "rule_reset": {"zh": "恢复默认", "en": "Reset"},
    "rule_source": {"zh": "来源", "en": "Set by"},
    "rule_changed": {"zh": "最后修改", "en": "Last changed"},
    "rule_default_range": {"zh": "默认范围", "en": "Default range"},
    "rule_source_default": {"zh": "默认", "en": "default"},
    "rule_source_global": {"zh": "通用规则", "en": "every period"},
    "rule_source_period": {"zh": "本期专用", "en": "this period"},
    "rule_yoy_inherit": {"zh": "沿用报送期阈值", "en": "the period's threshold"},
    "rule_unbounded_hint": {
        "zh": "上下限留空表示不设限；同比阈值留空表示沿用报送期阈值。",
        "en": "An empty minimum or maximum means no bound; an empty threshold keeps the "
        "period's threshold.",
    },
    "rules_save": {"zh": "保存规则", "en": "Save the rules"},
    "rules_saved": {"zh": "已保存 {n} 项规则修改。", "en": "{n} rule changes saved."},
    "rules_read_only": {
        "zh": "只有省级管理员可以修改校验规则。",
        "en": "Only the administrator edits the validation rules.",
    },
    "rules_frozen": {
        "zh": "该报送期已发布，其规则不能再修改。",
        "en": "The period is published: its rules can no longer be changed.",
    },
    "rules_invalid": {
        "zh": "规则设置有误，未保存任何修改：",
        "en": "Some rules are wrong; nothing was saved:",
    },
    "rules_conflict": {
        "zh": "其他管理员刚刚修改了同一规则，本次修改未保存。请刷新页面后重试。",
        "en": "Another administrator changed the same rule just now; nothing was saved. "
        "Reload the page and try again.",
    },
    "rule_which_low": {"zh": "下限", "en": "minimum"},
    "rule_which_high": {"zh": "上限", "en": "maximum"},
    "rule_which_yoy": {"zh": "同比阈值", "en": "year-on-year threshold"},
    "rule_bad_rule_number": {
        "zh": "{name}：{which}“{text}”不是数字",
        "en": "{name}: the {which} '{text}' is not a number",
    },
    "rule_bad_bound": {
        "zh": "{name}：{which}必须是有限的数",
        "en": "{name}: the {which} must be a finite number",
    },
    "rule_range_reversed": {
        "zh": "{name}：下限 {low} 大于上限 {high}",
        "en": "{name}: the minimum {low} is above the maximum {high}",
    },
    "rule_bad_rule_threshold": {
        "zh": "{name}：同比阈值 {text}% 应大于 0 且不超过 1000%",
        "en": "{name}: the year-on-year threshold {text}% must lie above 0 and up to 1000%",
    },
    "rule_duplicate_rule": {
        "zh": "{name}：同一指标出现了两次",
        "en": "{name}: the indicator is given twice",
    },
    "audit_rule_set": {"zh": "修改校验规则", "en": "validation rule set"},
    "audit_rule_reset": {"zh": "恢复默认校验规则", "en": "validation rule reset"},
    # the measures ledger (refusals of its service layer, its audit actions, report states)
    "state_returned": {"zh": "已退回", "en": "Returned"},
    "state_approved": {"zh": "已审核（锁定）", "en": "Approved (locked)"},
    "ledger_exists": {
        "zh": "本实例已有任务台账，未导入任何内容。",
        "en": "This instance has a ledger already: nothing was imported.",
    },
    "unknown_department": {
        "zh": "未知部门：{department}",
        "en": "Unknown department: {department}",
    },
    "deadline_before_start": {
        "zh": "完成时限 {deadline} 早于开始日期 {start}，未保存。",
        "en": "The deadline {deadline} is before the start {start}: nothing was saved.",
    },
    "outside_span": {
        "zh": "以下节点、子任务或上级任务与新的起止日期冲突：{items}，未保存。",
        "en": "These milestones, sub-measures or the parent conflict with the new span: "
        "{items}. Nothing was saved.",
    },
    "bad_report_period": {
        "zh": "“{period}”不是有效的报告期（本台账按 {frequency} 报告，如 2024Q2）。",
        "en": "'{period}' is not a reporting period of this ledger ({frequency}, e.g. 2024Q2).",
    },
    "period_outside_span": {
        "zh": "报告期 {period} 不在任务的起止日期（{start} 至 {deadline}）内。",
        "en": "The period {period} lies outside the measure's span ({start} to {deadline}).",
    },
    "bad_status": {"zh": "无效的进展状态：{status}", "en": "Not a progress status: {status}"},
    "bad_percent": {
        "zh": "完成百分比应在 0 至 100 之间。",
        "en": "The percent complete must lie in 0-100.",
    },
    "narrative_too_long": {
        "zh": "进展说明过长（上限 {limit} 个字符）。",
        "en": "The narrative is too long (limit {limit} characters).",
    },
    "report_locked": {
        "zh": "该进展报告已审核并锁定，您的修改未保存。",
        "en": "This progress report is approved and locked: your changes were not saved.",
    },
    "report_not_editable": {
        "zh": "该进展报告当前为“{state}”，不能修改。",
        "en": "This progress report is '{state}' and cannot be changed.",
    },
    "attachment_too_large": {
        "zh": "附件过大（上限 {mb} MB），未保存。",
        "en": "The attachment is too large (limit {mb} MB): nothing was saved.",
    },
    "attachment_empty": {"zh": "附件为空文件。", "en": "The attachment is empty."},
    "attachment_type": {
        "zh": "附件类型不允许：只接受 PDF、PNG、JPEG、XLSX、DOCX、纯文本或 CSV（按文件内容判断）。",
        "en": "Not an allowed kind of file: PDF, PNG, JPEG, XLSX, DOCX, plain text or CSV "
        "only (judged by the file's contents).",
    },
    "attachment_mismatch": {
        "zh": "文件“{name}”的扩展名与其内容（{kind}）不符，未保存。",
        "en": "The name '{name}' does not match the file's contents ({kind}): nothing was saved.",
    },
    "attachment_unsafe_zip": {
        "zh": "附件解压后过大或已损坏（疑似压缩炸弹），未保存。",
        "en": "The attachment unpacks too large or is damaged (a zip bomb?): nothing was saved.",
    },
    "attachment_macros": {
        "zh": "不接受含宏的文件。",
        "en": "Files with macros are not accepted.",
    },
    "audit_ledger_import": {"zh": "导入任务台账", "en": "ledger imported"},
    "audit_user_department": {"zh": "设置用户所属部门", "en": "user's department set"},
    "audit_measure_edit": {"zh": "修改任务", "en": "measure changed"},
    "audit_milestone_edit": {"zh": "修改节点", "en": "milestone changed"},
    "audit_ledger_report_save": {"zh": "填写进展报告", "en": "progress report written"},
    "audit_ledger_report_submit": {"zh": "提交进展报告", "en": "progress report submitted"},
    "audit_ledger_report_approve": {"zh": "审核通过进展报告", "en": "progress report approved"},
    "audit_ledger_report_return": {"zh": "退回进展报告", "en": "progress report returned"},
    "audit_ledger_attachment_add": {"zh": "上传附件", "en": "attachment uploaded"},
}
MESSAGES.update(LEDGER_PAGE_MESSAGES)  # the ledger pages' texts


def t(key: str, lang: str, **values: object) -> str:
    """The message ``key`` in ``lang`` with ``{placeholders}`` filled in."""
    text = MESSAGES[key][lang]
    return text.format(**values) if values else text


def catalogue(lang: str) -> dict[str, str]:
    return {key: texts[lang] for key, texts in MESSAGES.items()}
