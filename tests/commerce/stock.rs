//! Stock under concurrency: many shoppers race for the last units; exactly
//! as many orders succeed as there are units, on SQLite and PostgreSQL.

use super::fixture::Commerce;
use crate::support::db;
use serde_json::json;

async fn race(database_url: Option<String>, backend: &str) {
    let c = Commerce::start(database_url).await;
    let path = Commerce::path("alpha", "/orders");
    let mut racers = tokio::task::JoinSet::new();
    for n in 0..16 {
        let (client, url) = (c.t.client.clone(), c.t.url(&path));
        racers.spawn(async move {
            let order = json!({ "items": [{ "item": "hotpot-set", "quantity": 1 }] });
            let response = client
                .post(url)
                .header("x-shopper-id", format!("racer-{n}"))
                .json(&order)
                .send()
                .await
                .unwrap();
            let status = response.status().as_u16();
            (status, response.json::<serde_json::Value>().await.unwrap())
        });
    }
    let results = racers.join_all().await;
    let won = results.iter().filter(|(s, _)| *s == 201).count();
    let lost = results
        .iter()
        .filter(|(s, b)| *s == 409 && b["code"] == "out_of_stock")
        .count();
    assert_eq!((won, lost), (3, 13), "{backend}: {results:?}");
    let (_, items) =
        c.t.get_json(&Commerce::path("alpha", "/items?q=tripe"))
            .await;
    assert_eq!(items[0]["stock"], 0, "{backend}");

    // Cancelling one unpaid order puts its unit back.
    let winner = results.iter().find(|(s, _)| *s == 201).unwrap();
    let id = winner.1["order"]["id"].as_str().unwrap();
    let shopper = winner.1["order"]["shopper"].as_str().unwrap();
    let cancel = Commerce::path("alpha", &format!("/orders/{id}/cancel"));
    let (status, body) = c.post(&cancel, shopper, json!({}), None).await;
    assert_eq!(
        (status, body["order"]["status"].as_str()),
        (200, Some("cancelled"))
    );
    let (_, items) =
        c.t.get_json(&Commerce::path("alpha", "/items?q=tripe"))
            .await;
    assert_eq!(items[0]["stock"], 1, "{backend}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_orders_never_oversell_on_sqlite() {
    race(None, "sqlite").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_orders_never_oversell_on_postgres() {
    match db::postgres_url() {
        Some(base) => race(Some(db::fresh_postgres_url(&base).await), "postgres").await,
        None => db::skip_postgres("concurrent_orders_never_oversell_on_postgres"),
    }
}
