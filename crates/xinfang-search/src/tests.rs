//! Index-level tests without a database: scope rules that the end-to-end
//! tests cannot reach through the API (an accusation whose accused body is
//! an ancestor of a unit that handles it, 第三十条), phrases, and ranking.

use crate::{Flag, IndexDoc, Scope, SearchIndex, SearchQuery};
use chrono::NaiveDate;

fn doc(no: &str, content: &str, units: &[u64], scope: &[u64], accused: Option<u64>) -> IndexDoc {
    IndexDoc {
        case_no: no.into(),
        content: content.into(),
        names: "张建国".into(),
        region_code: "330102".into(),
        units: units.to_vec(),
        scope_units: scope.to_vec(),
        accused_unit: accused,
        current_unit: units[0],
        channel: "letter".into(),
        kind: if accused.is_some() {
            "accusation"
        } else {
            "claim"
        }
        .into(),
        category: None,
        status: "registered".into(),
        registered_on: NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(),
        flags: vec![Flag::Repeat],
    }
}

fn viewer(unit: u64, chain: &[u64], names: bool) -> Scope {
    Scope::Viewer {
        unit,
        reach: unit,
        chain: chain.to_vec(),
        names,
    }
}

fn q(text: &str) -> SearchQuery {
    SearchQuery {
        q: text.into(),
        limit: 10,
        ..Default::default()
    }
}

#[test]
fn accusation_is_hidden_from_the_accused_chain_even_when_in_scope() {
    // Units: 1 province, 2 city, 3 district, 4 township under the district.
    let idx = SearchIndex::in_memory().unwrap();
    idx.upsert(
        &[
            doc(
                "XF1",
                "举报街道干部违规发放补贴",
                &[4],
                &[1, 2, 3, 4],
                Some(3),
            ),
            doc("XF2", "反映违规发放补贴问题", &[4], &[1, 2, 3, 4], None),
        ],
        7,
    )
    .unwrap();
    assert_eq!(idx.cursor().unwrap(), 7);
    let all = |s: &Scope| {
        idx.search(&q("补贴"), s)
            .unwrap()
            .hits
            .into_iter()
            .map(|h| h.case_no)
            .collect::<Vec<_>>()
    };
    // The township is below the accused district: it sees the claim only.
    assert_eq!(all(&viewer(4, &[4, 3, 2, 1], true)), vec!["XF2"]);
    assert_eq!(
        idx.search(&q("XF1"), &viewer(4, &[4, 3, 2, 1], true))
            .unwrap()
            .total,
        0
    );
    // The city above the accused district sees both.
    assert_eq!(all(&viewer(2, &[2, 1], false)).len(), 2);
    assert_eq!(all(&Scope::All).len(), 2);
}

#[test]
fn names_only_for_authorised_viewers_of_the_case_units() {
    let idx = SearchIndex::in_memory().unwrap();
    idx.upsert(&[doc("XF1", "要求维修电梯", &[4], &[1, 3, 4], None)], 1)
        .unwrap();
    let hits = |s: &Scope| idx.search(&q("张建国"), s).unwrap().hits;
    assert_eq!(hits(&viewer(4, &[4, 3, 1], true)).len(), 1);
    assert_eq!(
        hits(&viewer(4, &[4, 3, 1], true))[0].names.as_deref(),
        Some("张建国")
    );
    assert!(hits(&viewer(4, &[4, 3, 1], false)).is_empty());
    assert!(
        hits(&viewer(3, &[3, 1], true)).is_empty(),
        "above, not a case unit"
    );
    let r = idx.search(&q("电梯"), &viewer(3, &[3, 1], true)).unwrap();
    assert_eq!(r.total, 1);
    assert_eq!(r.hits[0].names, None);
}

#[test]
fn phrases_ranking_and_upsert() {
    let idx = SearchIndex::in_memory().unwrap();
    idx.upsert(
        &[
            doc("XF1", "拖欠农民工工资，拖欠工资三个月", &[1], &[1], None),
            doc(
                "XF2",
                "工资待遇问题，另外还有拖欠物业费和停车管理等很多方面的问题需要处理",
                &[1],
                &[1],
                None,
            ),
        ],
        2,
    )
    .unwrap();
    let nos = |text: &str| {
        idx.search(&q(text), &Scope::All)
            .unwrap()
            .hits
            .into_iter()
            .map(|h| h.case_no)
            .collect::<Vec<_>>()
    };
    assert_eq!(nos("拖欠 工资"), vec!["XF1", "XF2"]);
    assert_eq!(nos("\"拖欠农民工工资\""), vec!["XF1"]);
    assert_eq!(nos("\"拖欠物业费\""), vec!["XF2"]);
    // A dictionary word cut differently in the document (拖欠 + 农民工工资
    // or inside a longer word) is still found as written.
    assert_eq!(nos("拖欠农民工工资"), vec!["XF1"]);
    idx.upsert(
        &[doc("XF3", "反映征地拆迁补偿款被拖欠", &[1], &[1], None)],
        3,
    )
    .unwrap();
    assert_eq!(nos("征地拆迁"), vec!["XF3"]);
    // Upsert replaces by case number.
    idx.upsert(&[doc("XF2", "噪音扰民", &[1], &[1], None)], 3)
        .unwrap();
    assert!(!nos("拖欠").contains(&"XF2".to_string()));
    assert_eq!(nos("噪音"), vec!["XF2"]);
    assert_eq!(idx.num_docs(), 3);
    let hit = &idx.search(&q("噪音"), &Scope::All).unwrap().hits[0];
    assert_eq!(hit.snippet, "<b>噪音</b>扰民");
}
