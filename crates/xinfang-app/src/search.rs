//! Full-text search as a service: feeding the index from the outbox (a
//! case's words and the text read from its letter scans), rebuilding it,
//! and scoped searches for staff. The index (`xinfang-search`)
//! is a cache of the store; its commit payload is the outbox cursor, so after
//! a crash the index resumes where its last commit ended.
//!
//! Every hit is checked again against the domain scope rule
//! (`xinfang_domain::scope::can_see`, 第三十条 for accusations) before it is
//! returned, and petitioner names are returned only to registrars/handlers of
//! one of the case's units.

use crate::error::AppError;
use crate::state::App;
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use std::time::{Duration, Instant};
use xinfang_domain::case::{Case, Channel, Kind, Status};
use xinfang_domain::scope::can_see;
use xinfang_domain::{Role, Staff, UnitId};
use xinfang_search::{IndexDoc, Scope, SearchIndex, SearchQuery};
use xinfang_store::StoreError;

/// Outbox rows read per batch.
const BATCH: i64 = 2000;
/// A gap in outbox ids (a PostgreSQL transaction that took its id but has
/// not committed yet) is waited for this long, then skipped (a rolled-back id).
const GAP_WAIT: Duration = Duration::from_secs(5);

/// The attached index and the consumer's state.
pub struct SearchHandle {
    pub index: SearchIndex,
    gap: tokio::sync::Mutex<Option<(i64, Instant)>>,
}

/// One search result as shown to a user.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct HitView {
    pub case_no: String,
    pub score: f32,
    pub kind: String,
    pub kind_label: &'static str,
    pub status: String,
    pub status_label: &'static str,
    pub channel: String,
    pub channel_label: &'static str,
    pub registered_on: String,
    pub current_unit_name: String,
    /// HTML: escaped text with `<b>` around matches.
    pub snippet: String,
    /// Only for registrars/handlers of one of the case's units.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub petitioner_names: Option<String>,
}

/// A page of results.
#[derive(Clone, Debug, Serialize, utoipa::ToSchema)]
pub struct SearchPage {
    pub total: usize,
    pub hits: Vec<HitView>,
}

fn index_err(e: xinfang_search::SearchError) -> AppError {
    AppError::Store(StoreError::Corrupt(format!("search index: {e}")))
}

/// Labels of a letter's lines that carry who wrote it, not what about.
const IDENTITY_LABELS: [&str; 9] = [
    "姓名",
    "身份证",
    "联系电话",
    "电话",
    "手机",
    "住址",
    "地址",
    "来信人",
    "信访人",
];

/// The words of a scan's read text that may go into the index: the lines
/// naming, numbering or locating the petitioner are left out, and the
/// case's petitioners' names, ID numbers, phones and addresses and any run
/// of seven or more digits are masked wherever else they appear. The index
/// shows snippets to everyone who may see the case, while identities are
/// only for the registrars and handlers of its units (`may_read_names`),
/// and its files are not sealed like the store.
pub fn scan_words(text: &str, case: &Case) -> String {
    let mut secrets: Vec<&str> = vec![];
    for p in &case.petitioners {
        secrets.push(p.name.as_str());
        secrets.extend(p.id_number.as_deref());
        secrets.extend(p.phone.as_deref());
        secrets.push(p.address.as_str());
    }
    masked_words(text, secrets)
}

fn masked_words(text: &str, mut secrets: Vec<&str>) -> String {
    secrets.retain(|s| s.chars().count() >= 2);
    secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
    let mut out = String::new();
    for line in text.lines() {
        let head = line.trim_start();
        if IDENTITY_LABELS.iter().any(|l| head.starts_with(l)) {
            continue;
        }
        let mut line = line.to_string();
        for s in &secrets {
            line = line.replace(s, "＊");
        }
        // Digit runs (ID numbers, phones) the case does not know.
        let mut masked = String::with_capacity(line.len());
        let mut run = String::new();
        for ch in line.chars().chain(std::iter::once('\0')) {
            if ch.is_ascii_digit() || ch == 'X' || ch == 'x' {
                run.push(ch);
                continue;
            }
            if run.chars().filter(char::is_ascii_digit).count() >= 7 {
                masked.push('＊');
            } else {
                masked.push_str(&run);
            }
            run.clear();
            if ch != '\0' {
                masked.push(ch);
            }
        }
        if !masked.trim().is_empty() {
            if !out.is_empty() {
                out.push('\n');
            }
            out.push_str(masked.trim());
        }
    }
    out
}

/// Whether `staff` may read the petitioners' identities on `case`.
pub fn may_read_names(staff: &Staff, case: &Case) -> bool {
    staff.has_any(&[Role::Registrar, Role::Handler]) && case.involved_units().contains(&staff.unit)
}

impl App {
    /// Attach a search index (shared by every clone of this `App`).
    pub fn attach_search(&self, index: SearchIndex) {
        *self.search_slot().write().expect("search lock") = Some(Arc::new(SearchHandle {
            index,
            gap: tokio::sync::Mutex::new(None),
        }));
    }

    /// Detach the index (e.g. before deleting its directory).
    pub fn detach_search(&self) {
        *self.search_slot().write().expect("search lock") = None;
    }

    /// The attached index, if any.
    pub fn search_handle(&self) -> Option<Arc<SearchHandle>> {
        self.search_slot().read().expect("search lock").clone()
    }

    fn require_search(&self) -> Result<Arc<SearchHandle>, AppError> {
        self.search_handle()
            .ok_or_else(|| AppError::BadRequest("全文检索未启用".into()))
    }

    /// Index every case changed since the index's cursor, committing each
    /// batch with its last outbox id. Returns the number of documents written.
    pub async fn index_pending(&self) -> Result<usize, AppError> {
        let Some(h) = self.search_handle() else {
            return Ok(0);
        };
        let mut gap = h.gap.lock().await;
        let mut written = 0;
        loop {
            let cursor = h.index.cursor().map_err(index_err)?;
            let rows = self.store.outbox_after(cursor, BATCH).await?;
            if rows.is_empty() {
                return Ok(written);
            }
            // Stop before a gap in ids until it has been seen for GAP_WAIT.
            let mut last = cursor;
            let mut ids = BTreeSet::new();
            for r in &rows {
                if r.id != last + 1 && last != 0 {
                    match *gap {
                        Some((at, since)) if at == last + 1 && since.elapsed() >= GAP_WAIT => {}
                        Some((at, _)) if at == last + 1 => break,
                        _ => {
                            *gap = Some((last + 1, Instant::now()));
                            break;
                        }
                    }
                }
                last = r.id;
                ids.insert(r.case_id);
            }
            if last == cursor {
                return Ok(written);
            }
            let ids: Vec<i64> = ids.into_iter().collect();
            let cases = self.store.cases_by_ids(&ids).await?;
            let docs = self.index_docs(&cases).await?;
            h.index.upsert(&docs, last).map_err(index_err)?;
            written += docs.len();
            if (rows.len() as i64) < BATCH && rows.last().map(|r| r.id) == Some(last) {
                return Ok(written);
            }
        }
    }

    /// The index documents of these cases: each case's own words, then the
    /// text read from its letter scans (issue #22), so a phrase only the
    /// scan holds finds the case — for whoever may see the case, the index's
    /// scope and `can_see` deciding exactly as for its other words.
    async fn index_docs(&self, cases: &[(i64, Case)]) -> Result<Vec<IndexDoc>, AppError> {
        let ids: Vec<i64> = cases.iter().map(|(id, _)| *id).collect();
        let mut scans = self.store.scan_texts(&ids).await?;
        let org = self.org();
        Ok(cases
            .iter()
            .map(|(id, c)| {
                let mut doc = IndexDoc::from_case(c, &org);
                if let Some(text) = scans.remove(id) {
                    let words = scan_words(&text, c);
                    if !words.is_empty() {
                        doc.content.push('\n');
                        doc.content.push_str(&words);
                    }
                }
                doc
            })
            .collect())
    }

    /// Rebuild the index from every case in the store and set the cursor to
    /// the newest outbox id. Returns the number of cases indexed.
    pub async fn reindex(&self) -> Result<usize, AppError> {
        let h = self.require_search()?;
        let _gap = h.gap.lock().await;
        let cursor = self.store.max_outbox_id().await?;
        h.index.clear().map_err(index_err)?;
        let (mut after, mut n) = (0, 0);
        loop {
            let page = self.store.cases_after(after, 1000).await?;
            let Some((last, _)) = page.last() else { break };
            after = *last;
            let docs = self.index_docs(&page).await?;
            h.index.add_bulk(&docs).map_err(index_err)?;
            n += docs.len();
        }
        h.index.upsert(&[], cursor).map_err(index_err)?;
        Ok(n)
    }

    /// The search scope of a staff member (the index's twin of `scope_of`:
    /// the same reach and the same hidden accused units as the statistics).
    pub fn search_scope(&self, staff: &Staff) -> Scope {
        let hidden = self.stats_scope(staff).hidden_accused;
        Scope::Viewer {
            unit: staff.unit.0 as u64,
            reach: self.reach_of(staff).0 as u64,
            chain: hidden
                .into_iter()
                .map(|u| {
                    if u < 0 {
                        xinfang_search::UNRESOLVED_ACCUSED
                    } else {
                        u as u64
                    }
                })
                .collect(),
            names: staff.has_any(&[Role::Registrar, Role::Handler]),
        }
    }

    /// Search what `staff` may see.
    pub async fn search_cases(
        &self,
        staff: &Staff,
        q: &SearchQuery,
    ) -> Result<SearchPage, AppError> {
        let h = self.require_search()?;
        let r = h
            .index
            .search(q, &self.search_scope(staff))
            .map_err(index_err)?;
        self.checked_page(staff, r).await
    }

    /// Cases similar to `case_no` (which `staff` must be able to see).
    pub async fn similar_cases(
        &self,
        staff: &Staff,
        case_no: &str,
        limit: usize,
    ) -> Result<SearchPage, AppError> {
        let h = self.require_search()?;
        let (_, case) = self
            .store
            .load_case(case_no)
            .await?
            .ok_or(AppError::NotFound)?;
        if !can_see(staff, &case, &self.org()) {
            return Err(AppError::NotFound);
        }
        let r = h
            .index
            .similar(case_no, &self.search_scope(staff), limit)
            .map_err(index_err)?;
        self.checked_page(staff, r).await
    }

    /// Drop any hit the domain rule says `staff` may not see; attach names
    /// only where allowed.
    async fn checked_page(
        &self,
        staff: &Staff,
        r: xinfang_search::SearchResults,
    ) -> Result<SearchPage, AppError> {
        let nos: Vec<String> = r.hits.iter().map(|h| h.case_no.clone()).collect();
        let cases: HashMap<String, Case> = self
            .store
            .cases_by_nos(&nos)
            .await?
            .into_iter()
            .map(|c| (c.case_no.clone(), c))
            .collect();
        let org = self.org();
        let mut dropped = 0;
        let mut hits = Vec::with_capacity(r.hits.len());
        for h in r.hits {
            let Some(case) = cases.get(&h.case_no).filter(|c| can_see(staff, c, &org)) else {
                dropped += 1;
                continue;
            };
            hits.push(HitView {
                kind_label: Kind::from_key(&h.kind).map(|k| k.label_zh()).unwrap_or(""),
                status_label: Status::from_key(&h.status)
                    .map(|s| s.label_zh())
                    .unwrap_or(""),
                channel_label: Channel::from_key(&h.channel)
                    .map(|c| c.label_zh())
                    .unwrap_or(""),
                registered_on: h.registered_on.map(|d| d.to_string()).unwrap_or_default(),
                current_unit_name: self.unit_name(UnitId(h.current_unit as i64)),
                petitioner_names: may_read_names(staff, case).then(|| {
                    case.petitioners
                        .iter()
                        .map(|p| p.name.as_str())
                        .collect::<Vec<_>>()
                        .join("、")
                }),
                case_no: h.case_no,
                score: h.score,
                kind: h.kind,
                status: h.status,
                channel: h.channel,
                snippet: h.snippet,
            });
        }
        Ok(SearchPage {
            total: r.total.saturating_sub(dropped),
            hits,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::masked_words;

    #[test]
    fn a_scans_indexed_words_leave_out_who_wrote_it() {
        let text = "信访事项反映信\n姓名：罗淑珍\n身份证号：110105196104039613\n联系电话：17796888029\n住址：新华街道幸福小区5栋\n事实和理由：罗淑珍多次找到公司，电话13800138000无人接，2025年9月去镇劳动保障所\n来信人：罗淑珍";
        let words = masked_words(text, vec!["罗淑珍", "新华街道幸福小区5栋", ""]);
        assert_eq!(
            words,
            "信访事项反映信\n事实和理由：＊多次找到公司，电话＊无人接，2025年9月去镇劳动保障所"
        );
    }
}
