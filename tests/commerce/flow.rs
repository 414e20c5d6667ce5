//! The pick-up flow end to end, reviews, claims against the guarantee
//! fund, merchant token isolation and idempotent POSTs.

use super::fixture::Commerce;
use reqwest::Method;
use serde_json::json;

const P: fn(&str, &str) -> String = Commerce::path;

#[tokio::test]
async fn a_pickup_order_is_placed_paid_readied_collected_reviewed_and_claimed() {
    let c = Commerce::start(None).await;
    let token = c.token("alpha", "hotpot").await;

    // Browse: merchants by category, items by text.
    let (status, merchants) = c.t.get_json(&P("alpha", "/merchants?category=tea")).await;
    assert_eq!(status, 200, "{merchants}");
    assert_eq!(merchants.as_array().unwrap().len(), 1);
    let (_, found) = c.t.get_json(&P("alpha", "/items?q=TRIPE")).await;
    assert_eq!(found[0]["id"], "hotpot-set", "{found}");

    // Review before any completed order: refused.
    let review = json!({ "order_id": "ord_nothing", "rating": 5, "text": "great" });
    let (status, body) = c
        .post(&P("alpha", "/merchants/hotpot/reviews"), "s1", review, None)
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (403, Some("no_completed_order"))
    );

    // Order for pick-up: stock is reserved at once.
    let order = json!({ "items": [{ "item": "hotpot-set", "quantity": 1 }] });
    let (status, placed) = c.post(&P("alpha", "/orders"), "s1", order, None).await;
    assert_eq!(status, 201, "{placed}");
    let id = placed["order"]["id"].as_str().unwrap().to_owned();
    let code = placed["pickup_code"].as_str().unwrap().to_owned();
    assert_eq!(placed["order"]["status"], "pending-payment");
    assert_eq!(placed["order"]["total"], 16800);
    let (_, item) = c.t.get_json(&P("alpha", "/items?q=tripe")).await;
    assert_eq!(item[0]["stock"], 2);

    // Not paid yet: the merchant cannot ready it.
    let ready = format!("/api/v1/merchant/orders/{id}/ready");
    let (status, _) = c.merchant(Method::POST, &ready, Some(&token), None).await;
    assert_eq!(status, 409);

    // A declined card leaves it pending; a good one pays it.
    let pay = P("alpha", &format!("/orders/{id}/pay"));
    let (status, body) = c
        .post(&pay, "s1", json!({ "method": "tok_decline" }), None)
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (402, Some("payment_declined"))
    );
    let (status, paid) = c
        .post(&pay, "s1", json!({ "method": "tok_visa" }), None)
        .await;
    assert_eq!(status, 200, "{paid}");
    assert_eq!(paid["order"]["status"], "paid");
    assert!(
        paid["order"]["payment_id"]
            .as_str()
            .unwrap()
            .starts_with("sim_")
    );

    // The merchant readies it; a wrong code is refused; the right one hands it over.
    let (status, body) = c.merchant(Method::POST, &ready, Some(&token), None).await;
    assert_eq!(
        (status, body["status"].as_str()),
        (200, Some("ready")),
        "{body}"
    );
    let collect = format!("/api/v1/merchant/orders/{id}/collect");
    let wrong = json!({ "code": "not-it" });
    let (status, _) = c
        .merchant(Method::POST, &collect, Some(&token), Some(wrong))
        .await;
    assert_eq!(status, 403);
    let right = json!({ "code": code });
    let (status, body) = c
        .merchant(Method::POST, &collect, Some(&token), Some(right))
        .await;
    assert_eq!(
        (status, body["status"].as_str()),
        (200, Some("collected")),
        "{body}"
    );

    // Collected: it cannot be cancelled any more.
    let (status, _) = c
        .post(
            &P("alpha", &format!("/orders/{id}/cancel")),
            "s1",
            json!({}),
            None,
        )
        .await;
    assert_eq!(status, 409);

    // Someone else cannot review on this order; its shopper can, once.
    let review = json!({ "order_id": id, "rating": 4, "text": "spicy, quick" });
    let reviews = P("alpha", "/merchants/hotpot/reviews");
    let (status, _) = c.post(&reviews, "s2", review.clone(), None).await;
    assert_eq!(status, 403);
    let (status, body) = c.post(&reviews, "s1", review.clone(), None).await;
    assert_eq!(status, 201, "{body}");
    let (status, _) = c.post(&reviews, "s1", review, None).await;
    assert_eq!(status, 409);
    let (_, merchant) = c.t.get_json(&P("alpha", "/merchants/hotpot")).await;
    assert_eq!(
        (
            merchant["rating_count"].as_i64(),
            merchant["rating_average"].as_f64()
        ),
        (Some(1), Some(4.0))
    );

    // A claim pays out at once, capped by policy; the fund moves by exactly that.
    let (_, before) = c.t.get_json(&P("alpha", "/fund")).await;
    assert_eq!(before["balance"], 100000);
    let claim = json!({ "reason": "not-as-described", "amount": 5000, "description": "cold" });
    let claims = P("alpha", &format!("/orders/{id}/claims"));
    let (status, paid) = c.post(&claims, "s1", claim, None).await;
    assert_eq!(status, 201, "{paid}");
    assert_eq!(paid["paid"], 3000, "capped at max_payout_per_claim");
    let (_, after) = c.t.get_json(&P("alpha", "/fund")).await;
    assert_eq!(after["balance"].as_i64().unwrap(), 100000 - 3000);
    let ledger: i64 = after["ledger"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["amount"].as_i64().unwrap())
        .sum();
    assert_eq!(ledger, after["balance"].as_i64().unwrap());
    assert_eq!(
        after["recoveries"][0],
        json!({ "merchant": "hotpot", "owed": 3000 })
    );
    let bad = json!({ "reason": "not-delivered", "amount": 100 });
    let (status, body) = c.post(&claims, "s1", bad, None).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (422, Some("claim_refused"))
    );
    let (_, all) = c.t.get_json(&P("alpha", "/claims")).await;
    assert_eq!(all.as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn merchant_tokens_reach_only_their_own_merchant() {
    let c = Commerce::start(None).await;
    let hotpot = c.token("alpha", "hotpot").await;
    let tea = c.token("alpha", "tea").await;
    let order = json!({ "items": [{ "item": "pot-base", "quantity": 1 }] });
    let (_, placed) = c.post(&P("alpha", "/orders"), "s1", order, None).await;
    let id = placed["order"]["id"].as_str().unwrap();

    let (status, body) = c
        .merchant(Method::GET, "/api/v1/merchant/orders", None, None)
        .await;
    assert_eq!((status, body["code"].as_str()), (401, Some("unauthorized")));
    let bad = Some("pzm_not-a-token");
    let (status, _) = c
        .merchant(Method::GET, "/api/v1/merchant/orders", bad, None)
        .await;
    assert_eq!(status, 401);

    let (_, mine) = c
        .merchant(Method::GET, "/api/v1/merchant/orders", Some(&hotpot), None)
        .await;
    assert_eq!(mine.as_array().unwrap().len(), 1);
    let (_, theirs) = c
        .merchant(Method::GET, "/api/v1/merchant/orders", Some(&tea), None)
        .await;
    assert_eq!(theirs.as_array().unwrap().len(), 0);
    let path = format!("/api/v1/merchant/orders/{id}");
    let (status, _) = c.merchant(Method::GET, &path, Some(&tea), None).await;
    assert_eq!(status, 403);
    let change = Some(json!({ "price": 1 }));
    let (status, _) = c
        .merchant(
            Method::PATCH,
            "/api/v1/merchant/items/pot-base",
            Some(&tea),
            change,
        )
        .await;
    assert_eq!(status, 403);
    let change = Some(json!({ "price": 5200, "stock": 7 }));
    let (status, item) = c
        .merchant(
            Method::PATCH,
            "/api/v1/merchant/items/pot-base",
            Some(&hotpot),
            change,
        )
        .await;
    assert_eq!(
        (status, item["price"].as_i64(), item["stock"].as_i64()),
        (200, Some(5200), Some(7)),
        "{item}"
    );
    let new = Some(
        json!({ "id": "oolong", "name": "Oolong", "kind": "goods", "price": 3000,
        "stock": 5 }),
    );
    let (status, item) = c
        .merchant(Method::POST, "/api/v1/merchant/items", Some(&tea), new)
        .await;
    assert_eq!(
        (status, item["merchant"].as_str()),
        (201, Some("tea")),
        "{item}"
    );
}

#[tokio::test]
async fn an_idempotency_key_places_an_order_once() {
    let c = Commerce::start(None).await;
    let order = json!({ "items": [{ "item": "tuocha", "quantity": 2 }] });
    let path = P("alpha", "/orders");
    let (s1, first) = c.post(&path, "s1", order.clone(), Some("k-1")).await;
    let (s2, again) = c.post(&path, "s1", order, Some("k-1")).await;
    assert_eq!((s1, s2), (201, 201));
    assert_eq!(first["order"]["id"], again["order"]["id"]);
    let other = json!({ "items": [{ "item": "tuocha", "quantity": 3 }] });
    let (status, body) = c.post(&path, "s1", other, Some("k-1")).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (422, Some("idempotency_key_reused"))
    );
    let (_, items) = c.t.get_json(&P("alpha", "/items?q=tuocha")).await;
    assert_eq!(items[0]["stock"], 48, "reserved once");
}
