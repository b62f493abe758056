//! `xinfang bench search`: index N synthetic petitions (the demo topics,
//! places and petitioners over the demo province's units) straight into a
//! fresh index, then time a few hundred mixed queries — words, phrases, case
//! numbers, filters, and staff scopes — through the same `SearchIndex::search`
//! the service uses (snippets and stored fields included; the store look-up
//! of the service's double check is not part of this number).

use crate::intake::rss_mb;
use chrono::{Duration, NaiveDate};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use serde::Serialize;
use std::path::Path;
use std::time::Instant;
use xinfang_app::demo::content::{fill, petitioner, TOPICS};
use xinfang_domain::case::{Channel, Kind, Status};
use xinfang_domain::{OrgTree, UnitId, UnitLevel};
use xinfang_search::{Flag, IndexDoc, Scope, SearchError, SearchIndex, SearchQuery};

/// The final line of the benchmark.
#[derive(Clone, Debug, Serialize)]
pub struct SearchBenchReport {
    pub cases: usize,
    pub index_secs: f64,
    pub queries: usize,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
    pub mean_hits: f64,
    pub rss_mb: f64,
}

const EXTRA: &[&str] = &[
    "多次向街道反映，至今没有答复。",
    "家中老人身体不好，生活十分困难。",
    "希望政府尽快协调解决。",
    "相关部门互相推诿，问题久拖不决。",
    "已向12345热线反映过两次。",
    "涉及群众较多，情绪比较激动。",
    "请求依法依规处理并书面答复。",
    "附有合同、收据等证明材料复印件。",
];

const WORDS: &[&str] = &[
    "拖欠",
    "工资",
    "农民工",
    "开发商",
    "交房",
    "物业费",
    "电梯",
    "征地",
    "补偿款",
    "回迁安置",
    "过渡费",
    "理财",
    "兑付",
    "噪音",
    "判决",
    "再审",
    "集体资金",
    "村干部",
    "停车位",
    "充电桩",
    "养老保险",
    "不动产权证书",
    "业主委员会",
    "直播平台",
    "技能培训",
    "土地流转",
    "审批",
];
const PHRASES: &[&str] = &[
    "\"拖欠工资\"",
    "\"物业公司\"",
    "\"征地补偿款\"",
    "\"理财平台\"",
    "\"夜间施工\"",
    "\"公共收益\"",
    "\"合同纠纷\"",
];

fn doc(
    i: usize,
    rng: &mut StdRng,
    units: &[(UnitId, String)],
    org: &OrgTree,
    start: NaiveDate,
) -> IndexDoc {
    let topic = TOPICS.choose(rng).unwrap_or(&TOPICS[0]);
    let (unit, region) = units
        .choose(rng)
        .cloned()
        .unwrap_or((UnitId(1), "330000".into()));
    let mut facts = fill(topic.facts, rng);
    facts.push_str(EXTRA.choose(rng).unwrap_or(&""));
    if rng.gen_bool(0.02) {
        facts.push_str("再不解决我就去跳楼。");
    }
    let content = format!("{}\n{}\n请依法处理。", fill(topic.request, rng), facts);
    let persons = if rng.gen_bool(0.03) { 3 } else { 1 };
    let names = (0..persons)
        .map(|_| petitioner(rng, &region).name)
        .collect::<Vec<_>>()
        .join("、");
    let mut case_units = vec![unit];
    let parent = org.get(unit).and_then(|u| u.parent);
    if let Some(p) = parent.filter(|_| rng.gen_bool(0.3)) {
        case_units.push(p);
    }
    let mut flags = vec![];
    for (f, p) in [
        (Flag::SkipLevel, 0.05),
        (Flag::Collective, 0.03),
        (Flag::Repeat, 0.2),
    ] {
        if rng.gen_bool(p) {
            flags.push(f);
        }
    }
    if facts.contains("跳楼") {
        flags.push(Flag::Risk);
    }
    IndexDoc {
        case_no: format!("XF2026{i:09}"),
        content,
        names,
        region_code: region,
        scope_units: xinfang_search::scope_units(&case_units, org),
        units: case_units.iter().map(|u| u.0 as u64).collect(),
        accused_unit: (topic.kind == Kind::Accusation).then(|| parent.unwrap_or(unit).0 as u64),
        current_unit: case_units.last().map(|u| u.0 as u64).unwrap_or(0),
        channel: Channel::ALL
            .choose(rng)
            .map(|c| c.key())
            .unwrap_or("online")
            .into(),
        kind: topic.kind.key().into(),
        category: Some(topic.category.into()),
        status: Status::ALL
            .choose(rng)
            .map(|s| s.key())
            .unwrap_or("registered")
            .into(),
        registered_on: start + Duration::days(rng.gen_range(0..730)),
        flags,
    }
}

fn query(rng: &mut StdRng, n: usize, viewers: &[Scope], start: NaiveDate) -> (SearchQuery, Scope) {
    let mut q = SearchQuery {
        limit: 20,
        ..Default::default()
    };
    q.q = match rng.gen_range(0..10) {
        0..=3 => WORDS.choose(rng).unwrap_or(&"工资").to_string(),
        4..=5 => format!(
            "{} {}",
            WORDS.choose(rng).unwrap_or(&"拖欠"),
            WORDS.choose(rng).unwrap_or(&"工资")
        ),
        6..=7 => PHRASES.choose(rng).unwrap_or(&"\"物业公司\"").to_string(),
        8 => format!("XF2026{:09}", rng.gen_range(0..n.max(1))),
        _ => String::new(),
    };
    if rng.gen_bool(0.3) {
        q.kind = Some(
            ["claim", "accusation", "suggestion"]
                .choose(rng)
                .unwrap_or(&"claim")
                .to_string(),
        );
    }
    if rng.gen_bool(0.2) {
        q.statuses = vec!["handling".into(), "registered".into()];
    }
    if rng.gen_bool(0.2) {
        let from = start + Duration::days(rng.gen_range(0..600));
        q.from = Some(from);
        q.to = Some(from + Duration::days(90));
    }
    if rng.gen_bool(0.1) {
        q.flags = vec![Flag::Repeat];
    }
    let scope = if rng.gen_bool(0.6) {
        viewers.choose(rng).cloned().unwrap_or(Scope::All)
    } else {
        Scope::All
    };
    (q, scope)
}

fn pct(sorted: &[f64], p: f64) -> f64 {
    sorted
        .get(((sorted.len() as f64 - 1.0) * p).round() as usize)
        .copied()
        .unwrap_or(0.0)
}

/// Build an index of `n` cases in `dir` under `org`, then run `queries` queries.
pub fn run(
    org: &OrgTree,
    dir: &Path,
    n: usize,
    queries: usize,
    mut progress: impl FnMut(usize, f64),
) -> Result<SearchBenchReport, SearchError> {
    let mut units: Vec<(UnitId, String)> = org
        .units()
        .filter(|u| matches!(u.level, UnitLevel::County | UnitLevel::Township))
        .map(|u| (u.id, u.region_code.clone()))
        .collect();
    units.sort();
    let start = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap_or_default();
    let mut rng = StdRng::seed_from_u64(11);
    let index = SearchIndex::open_with_heap(dir, 400_000_000)?;
    let t = Instant::now();
    let mut batch = Vec::with_capacity(10_000);
    for i in 0..n {
        batch.push(doc(i, &mut rng, &units, org, start));
        if batch.len() == 10_000 || i + 1 == n {
            index.add_bulk(&batch)?;
            batch.clear();
            if (i + 1) % 100_000 == 0 {
                progress(i + 1, t.elapsed().as_secs_f64());
            }
        }
    }
    index.upsert(&[], 1)?;
    let index_secs = t.elapsed().as_secs_f64();
    let viewers: Vec<Scope> = units
        .iter()
        .map(|(u, _)| Scope::Viewer {
            unit: u.0 as u64,
            reach: u.0 as u64,
            chain: org
                .ancestors_inclusive(*u)
                .iter()
                .map(|a| a.0 as u64)
                .collect(),
            names: true,
        })
        .collect();
    // Warm up (first queries page in the index files).
    for _ in 0..20 {
        let (q, s) = query(&mut rng, n, &viewers, start);
        index.search(&q, &s)?;
    }
    let mut lat = Vec::with_capacity(queries);
    let mut hits = 0usize;
    for _ in 0..queries {
        let (q, s) = query(&mut rng, n, &viewers, start);
        let t = Instant::now();
        let r = index.search(&q, &s)?;
        lat.push(t.elapsed().as_secs_f64() * 1000.0);
        hits += r.hits.len();
    }
    lat.sort_by(f64::total_cmp);
    Ok(SearchBenchReport {
        cases: n,
        index_secs,
        queries,
        p50_ms: pct(&lat, 0.5),
        p95_ms: pct(&lat, 0.95),
        p99_ms: pct(&lat, 0.99),
        mean_hits: hits as f64 / queries.max(1) as f64,
        rss_mb: rss_mb(),
    })
}
