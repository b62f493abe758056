//! Is this submission an earlier matter again? One answer, used by intake
//! (which links, refuses or registers) and by the registration assistant
//! (which tells the registrar before they submit), so the two never differ.
//!
//! 第三十六条第三款 refuses "同一事实和理由" after 复核 whoever words the
//! request: the same petitioner is recognised by ID number, or by name and
//! phone, or by name and address (a person who leaves the ID number out is
//! still the same person), and after 复核 the matter is compared on its facts
//! and reasons, not on the request's wording. The registrar sees which
//! identity and which text matched, and may register the submission as a new
//! matter with a recorded reason (`Register::new_matter_reason`).

use xinfang_domain::case::{Case, Content, Petitioner, Status};

/// Stable keys that identify a petitioner across submissions: every one of
/// ID number, name + phone and name + address that the petitioner gave, so
/// a later submission matches on whichever it shares. A petitioner who gave
/// none of them is keyed by name alone (anonymous letters of the same name).
pub fn petitioner_keys(ps: &[Petitioner]) -> Vec<String> {
    let mut keys = vec![];
    for p in ps {
        let name = xinfang_text::normalize::normalize_name(&p.name);
        let address = xinfang_text::normalize::normalize(&p.address);
        let mut own = vec![];
        if let Some(id) = &p.id_number {
            own.push(format!("id:{id}"));
        }
        if let Some(phone) = &p.phone {
            own.push(format!("np:{name}|{phone}"));
        }
        if address.chars().count() >= 4 {
            own.push(format!("na:{name}|{address}"));
        }
        if own.is_empty() {
            own.push(format!("na:{name}|{address}"));
        }
        keys.append(&mut own);
    }
    keys.sort();
    keys.dedup();
    keys
}

/// Which identity two submissions share, in words, strongest first; `None`
/// when they share none — or when both gave ID numbers and these differ
/// (two people of one name at one phone or address are two people).
pub fn identity_basis(new: &[Petitioner], earlier: &Case) -> Option<&'static str> {
    let mut best: Option<(u8, &'static str)> = None;
    for a in new {
        for b in &earlier.petitioners {
            let found = match (&a.id_number, &b.id_number) {
                (Some(x), Some(y)) if x == y => Some((3, "公民身份号码相同")),
                (Some(_), Some(_)) => None,
                _ => {
                    let (ka, kb) = (
                        petitioner_keys(std::slice::from_ref(a)),
                        petitioner_keys(std::slice::from_ref(b)),
                    );
                    let shared =
                        |prefix: &str| ka.iter().any(|k| k.starts_with(prefix) && kb.contains(k));
                    if shared("np:") {
                        Some((2, "姓名和联系电话相同"))
                    } else if shared("na:") {
                        Some((1, "姓名和住址相同"))
                    } else {
                        None
                    }
                }
            };
            if found.is_some_and(|f| best.is_none_or(|b| f.0 > b.0)) {
                best = found;
            }
        }
    }
    best.map(|b| b.1)
}

/// How the matter matched.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum MatterBasis {
    /// 请求、事实和理由 taken together.
    Whole,
    /// 事实和理由 alone (after 复核: 第三十六条第三款).
    FactsAndReasons,
}

impl MatterBasis {
    pub fn label_zh(self) -> &'static str {
        match self {
            MatterBasis::Whole => "信访请求、事实和理由",
            MatterBasis::FactsAndReasons => "事实和理由",
        }
    }
}

/// Similarity of the new submission to an earlier case and what it rests on.
/// `request` and `tokens` are the new request and the segmented whole text.
pub fn matter_match(content: &Content, tokens: &[String], earlier: &Case) -> (f64, MatterBasis) {
    let whole = crate::intake::repeat_similarity(&content.request, tokens, &earlier.content);
    if earlier.status != Status::Final {
        return (whole, MatterBasis::Whole);
    }
    let facts = |c: &Content| format!("{}\n{}", c.facts, c.reasons);
    let (new, old) = (facts(content), facts(&earlier.content));
    if new.trim().chars().count() < 10 || old.trim().chars().count() < 10 {
        return (whole, MatterBasis::Whole);
    }
    let (a, b) = (xinfang_text::tokens_of(&new), xinfang_text::tokens_of(&old));
    let fr = xinfang_text::signature::exact_jaccard(&a, &b);
    if fr > whole {
        (fr, MatterBasis::FactsAndReasons)
    } else {
        (whole, MatterBasis::Whole)
    }
}

/// The registrar's explanation of a link: who and what matched.
pub fn explain(
    case_no: &str,
    identity: Option<&str>,
    basis: MatterBasis,
    similarity: f64,
) -> String {
    format!(
        "与{case_no}为同一信访人（{}）、同一事项（{}相似度{:.0}%）",
        identity.unwrap_or("信访人信息相同"),
        basis.label_zh(),
        similarity * 100.0
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(name: &str, id: Option<&str>, phone: Option<&str>, address: &str) -> Petitioner {
        Petitioner {
            name: name.into(),
            id_number: id.map(Into::into),
            phone: phone.map(Into::into),
            address: address.into(),
            email: None,
        }
    }

    #[test]
    fn every_identity_the_petitioner_gave_is_a_key() {
        let keys = petitioner_keys(&[p(
            "张三",
            Some("330102198001010011"),
            Some("13800000000"),
            "杭州市上城区清波街道1号",
        )]);
        assert_eq!(keys.len(), 3, "{keys:?}");
        assert!(keys.iter().any(|k| k.starts_with("id:")));
        assert!(keys.iter().any(|k| k.starts_with("np:")));
        assert!(keys.iter().any(|k| k.starts_with("na:")));
        // 第三十六条: the same person without the ID number shares name + phone.
        let without_id = petitioner_keys(&[p("张三", None, Some("13800000000"), "")]);
        assert!(without_id.iter().all(|k| keys.contains(k)));
        assert!(!without_id.is_empty());
    }

    #[test]
    fn a_name_alone_is_a_key_only_when_nothing_else_was_given() {
        let keys = petitioner_keys(&[p("李四", None, Some("13900000000"), "")]);
        assert_eq!(keys, vec!["np:李四|13900000000".to_string()]);
        let anon = petitioner_keys(&[p("李四", None, None, "")]);
        assert_eq!(anon.len(), 1);
    }

    #[test]
    fn different_id_numbers_are_different_people() {
        use xinfang_domain::case::*;
        let earlier_person = p(
            "林晓",
            Some("330102198002021234"),
            Some("13812345678"),
            "东湖小区3号",
        );
        let case: Case = serde_json::from_value(serde_json::json!({
            "case_no": "X", "channel": "online", "kind": "claim",
            "petitioners": [earlier_person], "persons": 1,
            "content": {"request": "r", "facts": "", "reasons": ""},
            "region_code": "330102", "accused": null, "category": null,
            "registered_at": "2026-03-02T10:00:00", "registering_unit": 1, "current_unit": 1,
            "status": "registered", "stage": "initial", "transfers": [], "stages": [],
            "submissions": [], "related_case": null, "not_accepted_reason": null,
            "recused": [], "version": 0
        }))
        .expect("case");
        let same_phone_other_id = p(
            "林晓",
            Some("330102198003031234"),
            Some("13812345678"),
            "东湖小区3号",
        );
        assert_eq!(identity_basis(&[same_phone_other_id], &case), None);
        let no_id = p("林晓", None, Some("13812345678"), "");
        assert_eq!(identity_basis(&[no_id], &case), Some("姓名和联系电话相同"));
        let address_only = p("林晓", None, None, "东湖小区3号");
        assert_eq!(
            identity_basis(&[address_only], &case),
            Some("姓名和住址相同")
        );
    }
}
