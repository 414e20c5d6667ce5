//! Databases for tests: a fresh SQLite file, and a fresh PostgreSQL schema
//! when `PLAZA_TEST_POSTGRES_URL` is set.

use plaza::storage::Storage;
use std::sync::atomic::{AtomicU32, Ordering};

/// The PostgreSQL server tests may use, if any.
pub fn postgres_url() -> Option<String> {
    std::env::var("PLAZA_TEST_POSTGRES_URL")
        .ok()
        .filter(|u| !u.is_empty())
}

/// Says plainly that a PostgreSQL test did not run.
pub fn skip_postgres(test: &str) {
    eprintln!("SKIPPED on PostgreSQL: {test} (set PLAZA_TEST_POSTGRES_URL to run it)");
}

/// A URL whose connections use a new, empty schema of the test server, so
/// tests never see each other's rows.
pub async fn fresh_postgres_url(base: &str) -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let schema = format!(
        "plaza_test_{}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed),
        chrono::Utc::now().timestamp_micros() % 1_000_000
    );
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(base)
        .await
        .expect("test PostgreSQL reachable");
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;
    let sep = if base.contains('?') { '&' } else { '?' };
    format!("{base}{sep}options=-c%20search_path%3D{schema}")
}

/// Every backend this run can test: SQLite always, PostgreSQL when set.
pub async fn backends(test: &str) -> Vec<(&'static str, Storage)> {
    let dir = tempfile::tempdir().unwrap().keep();
    let mut out = vec![(
        "sqlite",
        Storage::open(&Storage::sqlite_url(&dir)).await.unwrap(),
    )];
    match postgres_url() {
        Some(base) => {
            let url = fresh_postgres_url(&base).await;
            out.push(("postgres", Storage::open(&url).await.unwrap()));
        }
        None => skip_postgres(test),
    }
    out
}
