//! Bulk amplification for benchmarks only: copy existing (template) cases,
//! with their 件次 and unit links, until the store holds `target` cases.
//!
//! The statistics and scanner benchmarks need a million realistic cases;
//! registering them one by one through intake would measure intake, not the
//! queries. Templates are real cases made by the demo generator through the
//! real services, so every status, clock and indicator fact is genuine; the
//! copies differ only in id and case number. No events are copied (the chain
//! stays the templates' own and still verifies). Never used by the product.

use crate::error::StoreError;
use crate::rows::placeholders;
use crate::Store;
use sqlx::Row;

/// Case columns copied verbatim (everything but `id` and `case_no`).
async fn case_columns(store: &Store) -> Result<Vec<String>, StoreError> {
    let row = sqlx::query("SELECT * FROM cases LIMIT 1")
        .fetch_optional(&store.pool)
        .await?;
    let Some(row) = row else {
        return Ok(vec![]);
    };
    use sqlx::Column;
    Ok(row
        .columns()
        .iter()
        .map(|c| c.name().to_string())
        .filter(|n| n != "id" && n != "case_no")
        .collect())
}

impl Store {
    /// Copy template cases round-robin until there are `target` cases.
    /// `on_progress` gets the running total after each batch.
    pub async fn amplify_cases(
        &self,
        target: i64,
        mut on_progress: impl FnMut(i64),
    ) -> Result<i64, StoreError> {
        let templates: Vec<i64> = sqlx::query("SELECT id FROM cases ORDER BY id")
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| r.try_get("id"))
            .collect::<Result<_, _>>()?;
        let mut total = templates.len() as i64;
        if templates.is_empty() || total >= target {
            return Ok(total);
        }
        let cols = case_columns(self).await?.join(", ");
        let c_cols = cols
            .split(", ")
            .map(|c| format!("c.{c}"))
            .collect::<Vec<_>>()
            .join(", ");
        const BATCH: i64 = 20_000;
        const ROWS_PER_INSERT: usize = 400;
        let mut k = 0usize;
        while total < target {
            let n = BATCH.min(target - total);
            let (mut tx, _g) = self.write_tx().await?;
            sqlx::query(
                "CREATE TEMP TABLE IF NOT EXISTS bench_copy (case_no TEXT NOT NULL, template_id BIGINT NOT NULL)",
            )
            .execute(&mut *tx)
            .await?;
            sqlx::query("DELETE FROM bench_copy")
                .execute(&mut *tx)
                .await?;
            let mut pending: Vec<(String, i64)> = Vec::with_capacity(ROWS_PER_INSERT);
            for i in 0..n {
                let tpl = templates[k % templates.len()];
                k += 1;
                pending.push((format!("XB{:012}", total + i + 1), tpl));
                if pending.len() == ROWS_PER_INSERT || i == n - 1 {
                    let values = (0..pending.len())
                        .map(|j| format!("({})", placeholders(2 * j + 1, 2)))
                        .collect::<Vec<_>>()
                        .join(", ");
                    let sql =
                        format!("INSERT INTO bench_copy (case_no, template_id) VALUES {values}");
                    let mut q = sqlx::query(&sql);
                    for (no, t) in pending.drain(..) {
                        q = q.bind(no).bind(t);
                    }
                    q.execute(&mut *tx).await?;
                }
            }
            sqlx::query(&format!(
                "INSERT INTO cases (case_no, {cols}) SELECT m.case_no, {c_cols} FROM bench_copy m JOIN cases c ON c.id = m.template_id"
            ))
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "INSERT INTO submissions (case_id, channel, unit_id, unit_level, registered_at, registered_on, persons, skip_level, is_repeat) \
                 SELECT n.id, s.channel, s.unit_id, s.unit_level, s.registered_at, s.registered_on, s.persons, s.skip_level, s.is_repeat \
                 FROM bench_copy m JOIN cases n ON n.case_no = m.case_no JOIN submissions s ON s.case_id = m.template_id",
            )
            .execute(&mut *tx)
            .await?;
            sqlx::query(
                "INSERT INTO case_units (case_id, unit_id) SELECT n.id, u.unit_id \
                 FROM bench_copy m JOIN cases n ON n.case_no = m.case_no JOIN case_units u ON u.case_id = m.template_id",
            )
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            total += n;
            on_progress(total);
        }
        self.analyze().await?;
        Ok(total)
    }
}
