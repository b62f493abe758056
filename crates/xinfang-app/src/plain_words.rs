//! What a petitioner is told when the ID number or phone number they typed
//! is not usable: plain words about what to check, shared by the portal, the
//! JSON API and the registration window. Two things are never said: the
//! check digit the number "should" have (that would let anyone complete a
//! made-up number, and tells an honest citizen nothing about which digit
//! they mistyped), and a pattern such as `1[3-9]` (no citizen reads regexes).

use xinfang_text::id_number::IdNumberError;
use xinfang_text::phone::PhoneError;

/// The message for an ID number that does not check out.
pub fn id_number_message(e: &IdNumberError) -> String {
    let what = match e {
        IdNumberError::Length(n) => format!("应为18位，您填写了{n}位"),
        IdNumberError::InvalidChar { position, ch } => format!(
            "只能填写数字，最后一位可以是字母X；第{position}位“{}”不对",
            ch.escape_default()
        ),
        IdNumberError::InvalidRegion(_) => "前两位不是有效的省份代码".to_string(),
        IdNumberError::InvalidBirthDate(_) => "其中的出生日期（第7至14位）不对".to_string(),
        IdNumberError::Checksum { .. } => "有数字填错或顺序颠倒".to_string(),
    };
    format!("身份证号码有误：{what}。请对照身份证逐位核对；没有身份证号码可以不填")
}

/// The message for a contact number that is not usable.
pub fn phone_message(e: &PhoneError) -> String {
    let what = match e {
        PhoneError::Empty => "请填写号码，或者不填".to_string(),
        PhoneError::InvalidChar(c) => format!(
            "只能填写数字，可以用空格或“-”分开；“{}”不能用",
            c.escape_default()
        ),
        PhoneError::ServiceNumber(_) => {
            "请填写您本人的手机或固定电话，不要填写12345等服务电话".to_string()
        }
        PhoneError::InvalidMobile => "手机号码是以1开头的11位数字，请核对".to_string(),
        PhoneError::InvalidLandline => "固定电话请连同区号填写，例如 0571-87654321".to_string(),
    };
    format!("电话号码有误：{what}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_check_digit_and_no_pattern() {
        let checksum = IdNumberError::Checksum {
            expected: '7',
            found: '0',
        };
        let m = id_number_message(&checksum);
        assert!(!m.contains('7') && !m.contains("应为 "), "{m}");
        let m = phone_message(&PhoneError::InvalidMobile);
        assert!(!m.contains('[') && !m.contains("1[3-9]"), "{m}");
    }
}
