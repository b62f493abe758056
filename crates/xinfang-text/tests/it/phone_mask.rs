//! Phone normalisation and PII masking.

use xinfang_text::mask::{mask_address, mask_id, mask_name, mask_phone, mask_text_pii};
use xinfang_text::phone::{normalize_phone, PhoneError};

#[test]
fn normalisation_table() {
    let ok = [
        ("13812345678", "13812345678"),
        (" 138 1234 5678 ", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("008613812345678", "13812345678"),
        ("8613812345678", "13812345678"),
        ("１３８１２３４５６７８", "13812345678"),
        ("010-62345678", "010-62345678"),
        ("01062345678", "010-62345678"),
        ("(0755) 2634 5678", "0755-26345678"),
        ("0931-8123456", "0931-8123456"),
        ("+86 21 61234567", "021-61234567"),
    ];
    for (input, want) in ok {
        assert_eq!(normalize_phone(input).as_deref(), Ok(want), "{input}");
    }
    let bad = [
        ("12345", PhoneError::ServiceNumber("12345".into())),
        ("110", PhoneError::ServiceNumber("110".into())),
        ("", PhoneError::Empty),
        (" - ", PhoneError::Empty),
        ("12812345678", PhoneError::InvalidMobile),
        ("1381234567", PhoneError::InvalidMobile),
        ("62345678", PhoneError::InvalidLandline),
        ("010-0234567", PhoneError::InvalidLandline),
        ("138a2345678", PhoneError::InvalidChar('a')),
    ];
    for (input, want) in bad {
        assert_eq!(normalize_phone(input), Err(want), "{input}");
    }
    assert!(normalize_phone("12345")
        .unwrap_err()
        .to_string()
        .contains("12345"));
}

#[test]
fn phone_masking_table() {
    let cases = [
        ("13812345678", "138****5678"),
        ("+86 138-1234-5678", "138****5678"),
        ("010-62345678", "010-******78"),
        ("0931 8123456", "0931-*****56"),
        ("12345", "*****"),
        ("abc-defg-hij", "abc*******ij"),
    ];
    for (input, want) in cases {
        assert_eq!(mask_phone(input), want, "{input}");
    }
}

#[test]
fn field_masks() {
    assert_eq!(mask_name("张三丰"), "张**");
    assert_eq!(mask_name("欧阳娜娜"), "欧***");
    assert_eq!(mask_id("11010519491231002X"), "110105********002X");
    assert_eq!(
        mask_address("上海市浦东新区世纪大道100号"),
        "上海市浦东新区****"
    );
    assert_eq!(
        mask_address("湖南省湘西土家族苗族自治州吉首市人民路1号"),
        "湖南省湘西土家族苗族自治州吉首市****"
    );
}

#[test]
fn pii_in_free_text() {
    let text = "我叫张三，身份证号11010519491231002x，电话13812345678，\
                另一个号码 139-1234-5678，座机010-62345678，案号(2023)京0105民初12345号，银行卡6222021234567890123。";
    let masked = mask_text_pii(text);
    assert_eq!(
        masked,
        "我叫张三，身份证号110105********002x，电话138****5678，\
         另一个号码 139****5678，座机010-62345678，案号(2023)京0105民初12345号，银行卡6222021234567890123。"
    );
    assert_eq!(mask_text_pii("+8613812345678"), "+86138****5678");
    assert_eq!(mask_text_pii("没有号码"), "没有号码");
}
