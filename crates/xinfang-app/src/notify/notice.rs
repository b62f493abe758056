//! What a petitioner is told, and when: one [`Notice`] per step they must
//! know about (issue #19), each with a built-in text that administrators
//! may replace. Texts name only what the petitioner may already see on the
//! tracking page — the case number, the step, a date, the reason for an
//! extension (第三十四条 requires telling it) — never a body accused, a
//! handler or anything else of 第三十条 material.

use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Notice {
    /// 登记 (with the query code for online, phone and letter petitions).
    Registered,
    /// 转送 / 交办 to the body with power (第二十二条).
    Transferred,
    /// 受理 / 不予受理 告知 (第二十三条、第三十一条).
    Notified,
    /// 延期 approved, with its reason (第三十四条).
    Extended,
    /// A written reply (处理/复查/复核意见) was issued.
    Replied,
    /// 回访: a one-time link to evaluate.
    Visit,
    /// The 复查/复核 window closes in 3 days (第三十五、三十六条).
    ReviewClosing,
    /// The one-time code of a petitioner signing in (never a case).
    SignInCode,
    /// A leader's reception booked online (第十八条), with when and where.
    ReceptionBooked,
}

impl Notice {
    pub const ALL: [Notice; 9] = [
        Notice::Registered,
        Notice::Transferred,
        Notice::Notified,
        Notice::Extended,
        Notice::Replied,
        Notice::Visit,
        Notice::ReviewClosing,
        Notice::SignInCode,
        Notice::ReceptionBooked,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Notice::Registered => "registered",
            Notice::Transferred => "transferred",
            Notice::Notified => "notified",
            Notice::Extended => "extended",
            Notice::Replied => "replied",
            Notice::Visit => "visit",
            Notice::ReviewClosing => "review_closing",
            Notice::SignInCode => "signin_code",
            Notice::ReceptionBooked => "reception_booked",
        }
    }

    pub fn from_key(k: &str) -> Option<Notice> {
        Notice::ALL.into_iter().find(|n| n.key() == k)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Notice::Registered => "登记通知",
            Notice::Transferred => "转送通知",
            Notice::Notified => "受理告知通知",
            Notice::Extended => "延期通知",
            Notice::Replied => "答复意见通知",
            Notice::Visit => "回访评价邀请",
            Notice::ReviewClosing => "复查期限提醒",
            Notice::SignInCode => "登录验证码",
            Notice::ReceptionBooked => "接访预约确认",
        }
    }

    /// The placeholders the text may use.
    pub fn placeholders(self) -> &'static [&'static str] {
        match self {
            Notice::Registered => &["{信访编号}", "{查询码}"],
            Notice::Notified => &["{信访编号}", "{告知结果}"],
            Notice::Extended => &["{信访编号}", "{延期天数}", "{延期理由}"],
            Notice::Visit => &["{信访编号}", "{回访链接}"],
            Notice::ReviewClosing => &["{信访编号}", "{截止日期}", "{请求事项}"],
            Notice::SignInCode => &["{验证码}"],
            Notice::ReceptionBooked => &["{接待单位}", "{接待日期}", "{时段}", "{地点}"],
            _ => &["{信访编号}"],
        }
    }

    /// The built-in text.
    pub fn default_text(self) -> &'static str {
        match self {
            Notice::Registered => "【信访】您的信访事项已登记，信访编号{信访编号}，查询码{查询码}，请妥善保管。可凭信访编号和查询码在网上信访平台查询办理情况。",
            Notice::Transferred => "【信访】您的信访事项{信访编号}已转送有权处理的机关办理，可凭查询码查询进展。",
            Notice::Notified => "【信访】您的信访事项{信访编号}已出具书面告知：{告知结果}。请凭信访编号和查询码查看告知书。",
            Notice::Extended => "【信访】您的信访事项{信访编号}办理期限延长{延期天数}日，理由：{延期理由}。",
            Notice::Replied => "【信访】您的信访事项{信访编号}已出具书面答复意见，请凭信访编号和查询码查看。",
            Notice::Visit => "【信访】请对信访事项{信访编号}的办理结果作出评价（满意、基本满意、不满意）：{回访链接} （仅限本次评价使用）",
            Notice::ReviewClosing => "【信访】您的信访事项{信访编号}如对答复意见不服，可于{截止日期}前{请求事项}。",
            Notice::SignInCode => "【信访】您的登录验证码是{验证码}，5分钟内有效。请勿告诉他人，工作人员不会向您索要验证码。",
            Notice::ReceptionBooked => "【信访】您已预约{接待单位}{接待日期}{时段}的领导接访，地点：{地点}。请携带身份证件按时到场；如不能到场，请登录“我的信访”取消预约。",
        }
    }

    /// The e-mail subject.
    pub fn subject(self) -> String {
        format!("信访事项{}", self.label_zh())
    }
}

/// Fill `{名称}` placeholders; unknown ones stay as written.
pub fn render(text: &str, values: &[(&str, String)]) -> String {
    let mut out = text.to_string();
    for (k, v) in values {
        out = out.replace(k, v);
    }
    out
}

/// Check an administrator's text: not empty, not too long for a few SMS,
/// and only this notice's placeholders.
pub fn check_text(notice: Notice, text: &str) -> Result<(), String> {
    let t = text.trim();
    if t.is_empty() {
        return Err("通知内容不能为空".into());
    }
    if t.chars().count() > 300 {
        return Err("通知内容不超过300字".into());
    }
    let mut rest = t;
    while let Some(i) = rest.find('{') {
        let Some(j) = rest[i..].find('}') else {
            return Err("占位符缺少右括号“}”".into());
        };
        let p = &rest[i..i + j + 1];
        if !notice.placeholders().contains(&p) {
            return Err(format!(
                "不能使用占位符{p}；可用：{}",
                notice.placeholders().join("、")
            ));
        }
        rest = &rest[i + j + 1..];
    }
    if notice == Notice::Registered && !t.contains("{查询码}") {
        return Err("登记通知须包含{查询码}".into());
    }
    if notice == Notice::SignInCode && !t.contains("{验证码}") {
        return Err("登录验证码须包含{验证码}".into());
    }
    if notice == Notice::Visit && !t.contains("{回访链接}") {
        return Err("回访评价邀请须包含{回访链接}".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_default_text_passes_its_own_check() {
        for n in Notice::ALL {
            assert_eq!(check_text(n, n.default_text()), Ok(()), "{n:?}");
            assert_eq!(Notice::from_key(n.key()), Some(n));
        }
    }

    #[test]
    fn texts_use_only_their_placeholders() {
        assert!(check_text(Notice::Transferred, "已转送{被反映单位}").is_err());
        assert!(check_text(Notice::Registered, "已登记{信访编号}").is_err());
        assert!(check_text(Notice::Extended, "延长{延期天数}日").is_ok());
        assert!(check_text(Notice::Replied, "  ").is_err());
    }
}
