//! Keeps `scripts/citus-shard.sql` honest (issue #21 item 5). Its plain
//! PostgreSQL steps (1–2: add and back-fill the shard key `region_code`,
//! re-key every primary and unique key; 5: foreign keys back with the shard
//! key) run here, inside a transaction that is rolled back, on a database
//! made by today's migrations and the demo — so a migration that renames a
//! constraint the script drops breaks this test, not a site's migration
//! day. Steps 3–4 (`create_reference_table`, `create_distributed_table`)
//! need Citus, which this machine cannot install: untested.
//!
//! It also lists the case-owned tables (a `case_id` column) the layout does
//! not key yet; the list is pinned, so a new case-owned table fails the
//! test until the layout (or this list, with a reason) is updated.

use crate::server::bin;
use std::process::Command;

/// Case-owned tables added after the layout was written (its header says
/// what each needs); they have no `region_code` after steps 1–5.
const NOT_YET_KEYED: &str =
    "document_drafts,messages,stats_case_contrib,visit_links,webhook_deliveries,work_orders";

const DISTRIBUTED: &str = "'cases','case_units','submissions','events','chain_head','counters',\
'outbox','clock_alerts','warnings','supervisions','ownerships','ownership_progress','instructions',\
'campaign_items','documents','attachments','case_imports','disputes','document_signatures'";

/// Steps 1, 2 and 5 of the script, as one statement list (no BEGIN/COMMIT).
fn plain_steps(sql: &str) -> String {
    let start = sql.find("\nBEGIN;\n").expect("BEGIN;") + "\nBEGIN;\n".len();
    let end = sql.find("\nCOMMIT;\n").expect("COMMIT;");
    let fks = sql
        .find("-- 5. Foreign keys back")
        .expect("step 5 of the layout");
    format!("{}\n{}", &sql[start..end], &sql[fks..])
}

#[test]
fn citus_layout_plain_postgres_steps_run_on_todays_schema() {
    let Some(admin) = std::env::var("XINFANG_TEST_PG_URL")
        .ok()
        .filter(|s| !s.is_empty())
    else {
        eprintln!("XINFANG_TEST_PG_URL not set: the Citus layout's PostgreSQL steps not run");
        return;
    };
    let name = format!("xinfang_citus_{}", std::process::id());
    let psql = |url: &str, args: &[&str]| {
        let o = Command::new("psql")
            .arg(url)
            .args(["-v", "ON_ERROR_STOP=1", "-qAt"])
            .args(args)
            .output()
            .expect("psql");
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8_lossy(&o.stdout).to_string()
    };
    psql(&admin, &["-c", &format!("DROP DATABASE IF EXISTS {name}")]);
    psql(&admin, &["-c", &format!("CREATE DATABASE {name}")]);
    let url = format!("{}/{name}", admin.rsplit_once('/').unwrap().0);
    let o = Command::new(bin())
        .args(["demo", "--cases", "60", "--database-url", &url])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));

    let script = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/citus-shard.sql"),
    )
    .unwrap();
    let checks = format!(
        "SELECT 'cases=' || count(*) FROM cases WHERE region_code IS NULL OR region_code = '';
SELECT 'unkeyed_unique=' || coalesce(string_agg(i.indexrelid::regclass::text, ',' ORDER BY i.indexrelid::regclass::text), '')
  FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
  WHERE i.indisunique AND t.relname IN ({DISTRIBUTED}) AND t.relnamespace = current_schema()::regnamespace
  AND NOT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = t.oid AND a.attname = 'region_code' AND a.attnum = ANY (i.indkey));
SELECT 'submissions_keyed=' || bool_and(s.region_code = c.region_code) FROM submissions s JOIN cases c ON c.id = s.case_id;
SELECT 'not_keyed=' || coalesce(string_agg(DISTINCT c.table_name::text, ',' ORDER BY c.table_name::text), '')
  FROM information_schema.columns c WHERE c.column_name = 'case_id' AND c.table_schema = current_schema()
  AND NOT EXISTS (SELECT 1 FROM information_schema.columns r WHERE r.table_schema = c.table_schema
                  AND r.table_name = c.table_name AND r.column_name = 'region_code');"
    );
    let file = std::env::temp_dir().join(format!("{name}.sql"));
    std::fs::write(
        &file,
        format!("BEGIN;\n{}\n{checks}\nROLLBACK;\n", plain_steps(&script)),
    )
    .unwrap();
    let out = psql(&url, &["-f", file.to_str().unwrap()]);
    let _ = std::fs::remove_file(&file);
    psql(&admin, &["-c", &format!("DROP DATABASE IF EXISTS {name}")]);
    let line = |k: &str| {
        out.lines()
            .find_map(|l| l.strip_prefix(&format!("{k}=")))
            .unwrap_or_else(|| panic!("no {k} in {out}"))
            .to_string()
    };
    assert_eq!(line("cases"), "0", "every case has its shard key");
    assert_eq!(
        line("unkeyed_unique"),
        "",
        "a unique key without the shard key"
    );
    assert_eq!(
        line("submissions_keyed"),
        "true",
        "back-filled from the case"
    );
    assert_eq!(
        line("not_keyed"),
        NOT_YET_KEYED,
        "case-owned tables the layout does not key"
    );
}
