//! Promotions combine as documented (non-exclusive offers stack in config
//! order, an exclusive offer wins only when it saves more, coupons count
//! per shopper and keep their time window), and hostile promotion plugins
//! neither break checkout nor drive a total below zero.

use super::fixture::Commerce;
use serde_json::{Value, json};

fn outcome<'a>(cart: &'a Value, plugin: &str) -> &'a Value {
    cart["promotions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["plugin"] == plugin)
        .unwrap_or_else(|| panic!("no outcome of {plugin}: {cart}"))
}

fn tea_cart(codes: &[&str]) -> Value {
    json!({
        "items": [{ "item": "tuocha", "quantity": 3 }, { "item": "ceremony", "quantity": 1 }],
        "coupon_codes": codes,
    })
}

#[tokio::test]
async fn promotions_stack_in_order_and_an_exclusive_offer_wins_only_when_better() {
    let c = Commerce::start(None).await;
    let price = Commerce::path("alpha", "/cart/price");

    // 46,200: threshold 5,000 + tea 20% (5,280 + 3,960) + coupon 1,000 stack.
    let (status, cart) = c.post(&price, "p1", tea_cart(&["code10"]), None).await;
    assert_eq!(status, 200, "{cart}");
    assert_eq!(cart["subtotal"], 46200);
    assert_eq!(cart["discount"], 5000 + 5280 + 3960 + 1000);
    assert_eq!(cart["total"], 46200 - 15240);
    for plugin in ["threshold", "tea-week", "coupons"] {
        assert_eq!(
            outcome(&cart, plugin)["status"],
            "applied",
            "{plugin}: {cart}"
        );
    }
    assert_eq!(outcome(&cart, "base-bundle")["status"], "nothing");
    assert_eq!(cart["lines"][0]["discount"], 5280);

    // The exclusive VIP coupon (20,000) beats the whole stack (15,240).
    let (_, vip) = c
        .post(&price, "p1", tea_cart(&["CODE10", "VIP"]), None)
        .await;
    assert_eq!(vip["total"], 46200 - 20000, "{vip}");
    assert_eq!(outcome(&vip, "vip")["status"], "applied");
    assert_eq!(outcome(&vip, "threshold")["status"], "not-chosen");

    // Buy two get one free on the hotpot base.
    let bundle = json!({ "items": [{ "item": "pot-base", "quantity": 3 }] });
    let (_, cart) = c.post(&price, "p1", bundle, None).await;
    assert_eq!(
        (cart["discount"].as_i64(), cart["total"].as_i64()),
        (Some(4800), Some(9600))
    );

    // An expired coupon gives nothing.
    let (_, old) = c.post(&price, "p1", tea_cart(&["OLD"]), None).await;
    assert_eq!(outcome(&old, "coupons")["status"], "nothing", "{old}");
}

#[tokio::test]
async fn a_coupon_is_used_up_by_an_order_and_freed_by_its_cancellation() {
    let c = Commerce::start(None).await;
    let price = Commerce::path("alpha", "/cart/price");
    let (status, placed) = c
        .post(
            &Commerce::path("alpha", "/orders"),
            "p2",
            tea_cart(&["CODE10"]),
            None,
        )
        .await;
    assert_eq!(status, 201, "{placed}");
    assert_eq!(placed["order"]["total"], 46200 - 15240);
    let coupon = placed["order"]["discounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["coupon"] == "CODE10");
    assert!(coupon.is_some(), "{placed}");

    let (_, again) = c.post(&price, "p2", tea_cart(&["CODE10"]), None).await;
    assert_eq!(
        outcome(&again, "coupons")["status"],
        "nothing",
        "once per shopper"
    );
    let (_, other) = c.post(&price, "p3", tea_cart(&["CODE10"]), None).await;
    assert_eq!(
        outcome(&other, "coupons")["status"],
        "applied",
        "another shopper may"
    );

    let id = placed["order"]["id"].as_str().unwrap();
    let cancel = Commerce::path("alpha", &format!("/orders/{id}/cancel"));
    let (status, _) = c.post(&cancel, "p2", json!({}), None).await;
    assert_eq!(status, 200);
    let (_, freed) = c.post(&price, "p2", tea_cart(&["CODE10"]), None).await;
    assert_eq!(outcome(&freed, "coupons")["status"], "applied", "{freed}");
}

#[tokio::test]
async fn hostile_promotions_never_break_checkout_nor_go_below_zero() {
    let c = Commerce::start(None).await;
    let cart = json!({ "items": [{ "item": "hotpot-set", "quantity": 2 }] });
    let (status, priced) = c
        .post(
            &Commerce::path("beta", "/cart/price"),
            "h1",
            cart.clone(),
            None,
        )
        .await;
    assert_eq!(status, 200, "{priced}");
    assert_eq!(outcome(&priced, "trap")["status"], "failed");
    let spin = outcome(&priced, "spin");
    assert_eq!(spin["status"], "failed");
    assert!(
        spin["error"].as_str().unwrap().contains("deadline"),
        "{spin}"
    );
    let absurd = outcome(&priced, "absurd");
    assert_eq!(absurd["dropped"], 2, "{absurd}");
    assert!(absurd["clamped"].as_u64().unwrap() >= 1, "{absurd}");
    assert_eq!(priced["subtotal"], 33600);
    assert_eq!(priced["total"], 0, "clamped to the cart, never below zero");
    for line in priced["lines"].as_array().unwrap() {
        assert!(line["discount"].as_i64().unwrap() <= 33600);
    }

    // Checkout goes through all the same, and a free order is paid at once.
    let (status, placed) = c
        .post(&Commerce::path("beta", "/orders"), "h1", cart, None)
        .await;
    assert_eq!(status, 201, "{placed}");
    assert_eq!(placed["order"]["total"], 0);
    let id = placed["order"]["id"].as_str().unwrap();
    let pay = Commerce::path("beta", &format!("/orders/{id}/pay"));
    let (status, paid) = c
        .post(&pay, "h1", json!({ "method": "tok_visa" }), None)
        .await;
    assert_eq!(
        (status, paid["order"]["status"].as_str()),
        (200, Some("paid")),
        "{paid}"
    );

    let (_, metrics) = (0, c.t.client.get(c.t.url("/metrics")).send().await.unwrap());
    let text = metrics.text().await.unwrap();
    assert!(
        text.contains("plugin=\"trap\""),
        "plugin failures are counted"
    );
}
