//! One district's plugin can neither read nor write another district's
//! key-value data, on SQLite and on PostgreSQL.

use crate::support::db::{fresh_postgres_url, postgres_url, skip_postgres};
use crate::support::{TestServer, two_district_config};

async fn prove_isolation(t: &TestServer) {
    let put = |district: &str, key: &str, value: &str| {
        t.client
            .put(t.url(&format!("/d/{district}/hostile/kv/{key}")))
            .body(value.to_owned())
            .send()
    };
    let get = |district: &str, key: &str| {
        t.client
            .get(t.url(&format!("/d/{district}/hostile/kv/{key}")))
            .send()
    };

    assert_eq!(
        put("alpha", "secret", "alpha-data").await.unwrap().status(),
        200
    );
    // Same plugin id, same key, other district: nothing there.
    assert_eq!(get("beta", "secret").await.unwrap().status(), 404);

    // Beta writing the same key creates its own value, alpha's stays.
    assert_eq!(
        put("beta", "secret", "beta-data").await.unwrap().status(),
        200
    );
    assert_eq!(
        get("alpha", "secret").await.unwrap().text().await.unwrap(),
        "alpha-data"
    );
    assert_eq!(
        get("beta", "secret").await.unwrap().text().await.unwrap(),
        "beta-data"
    );

    // A key that looks like a path is only a key in the caller's own scope.
    assert_eq!(
        put("beta", "..%2Falpha%2Fsecret", "sneaky")
            .await
            .unwrap()
            .status(),
        200
    );
    assert_eq!(
        get("alpha", "secret").await.unwrap().text().await.unwrap(),
        "alpha-data"
    );

    // Deleting in beta leaves alpha's value.
    let deleted = t
        .client
        .delete(t.url("/d/beta/hostile/kv/secret"))
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 200);
    assert_eq!(
        get("alpha", "secret").await.unwrap().text().await.unwrap(),
        "alpha-data"
    );
    assert_eq!(get("beta", "secret").await.unwrap().status(), 404);
}

#[tokio::test]
async fn districts_cannot_reach_each_others_kv_data_on_sqlite() {
    let t = TestServer::start(&two_district_config()).await;
    prove_isolation(&t).await;
}

#[tokio::test]
async fn districts_cannot_reach_each_others_kv_data_on_postgres() {
    let Some(base) = postgres_url() else {
        return skip_postgres("districts_cannot_reach_each_others_kv_data_on_postgres");
    };
    let url = fresh_postgres_url(&base).await;
    let t = TestServer::start_with(&two_district_config(), Some(url)).await;
    prove_isolation(&t).await;
}
