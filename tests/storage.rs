//! The key-value store on every backend this run can reach.

use crate::support::db::backends;
use plaza::storage::{KvError, KvScope};

fn scope(district: &str, plugin: &str) -> KvScope {
    KvScope {
        district: district.into(),
        plugin: plugin.into(),
    }
}

#[tokio::test]
async fn kv_values_are_set_read_replaced_listed_and_deleted() {
    for (backend, storage) in backends("kv_values_are_set_read_replaced_listed_and_deleted").await {
        let kv = storage.kv();
        let s = scope("alpha", "notes");
        assert_eq!(kv.get(&s, "a").await.unwrap(), None, "{backend}");
        kv.set(&s, "a/1", b"one", 1 << 20).await.unwrap();
        kv.set(&s, "a/2", b"two", 1 << 20).await.unwrap();
        kv.set(&s, "b/1", b"three", 1 << 20).await.unwrap();
        kv.set(&s, "a/1", b"uno", 1 << 20).await.unwrap();
        assert_eq!(
            kv.get(&s, "a/1").await.unwrap().as_deref(),
            Some(&b"uno"[..]),
            "{backend}"
        );
        assert_eq!(
            kv.list_keys(&s, "a/", 10).await.unwrap(),
            ["a/1", "a/2"],
            "{backend}"
        );
        assert_eq!(
            kv.list_keys(&s, "", 2).await.unwrap(),
            ["a/1", "a/2"],
            "{backend}"
        );
        assert!(kv.delete(&s, "a/1").await.unwrap());
        assert!(!kv.delete(&s, "a/1").await.unwrap());
        assert_eq!(kv.get(&s, "a/1").await.unwrap(), None, "{backend}");
    }
}

#[tokio::test]
async fn kv_scopes_never_see_each_other() {
    for (backend, storage) in backends("kv_scopes_never_see_each_other").await {
        let kv = storage.kv();
        kv.set(&scope("alpha", "p"), "k", b"alpha", 1 << 20)
            .await
            .unwrap();
        kv.set(&scope("beta", "p"), "k", b"beta", 1 << 20)
            .await
            .unwrap();
        assert_eq!(
            kv.get(&scope("alpha", "p"), "k").await.unwrap().unwrap(),
            b"alpha",
            "{backend}"
        );
        assert_eq!(
            kv.get(&scope("alpha", "q"), "k").await.unwrap(),
            None,
            "{backend}"
        );
        assert_eq!(
            kv.list_keys(&scope("beta", "p"), "", 10).await.unwrap(),
            ["k"],
            "{backend}"
        );
    }
}

#[tokio::test]
async fn kv_refuses_long_keys_large_values_and_writes_over_quota() {
    for (backend, storage) in
        backends("kv_refuses_long_keys_large_values_and_writes_over_quota").await
    {
        let kv = storage.kv();
        let s = scope("alpha", "quota");
        let long_key = "k".repeat(300);
        assert!(
            matches!(
                kv.set(&s, &long_key, b"v", 100).await,
                Err(KvError::KeyTooLong)
            ),
            "{backend}"
        );
        let big = vec![0u8; (1 << 20) + 1];
        assert!(matches!(
            kv.set(&s, "big", &big, u64::MAX).await,
            Err(KvError::ValueTooLarge)
        ));
        kv.set(&s, "a", &[0; 60], 100).await.unwrap();
        assert!(matches!(
            kv.set(&s, "b", &[0; 60], 100).await,
            Err(KvError::QuotaExceeded(100))
        ));
        // Replacing a value counts only its new size.
        kv.set(&s, "a", &[0; 90], 100).await.unwrap();
        assert_eq!(kv.get(&s, "b").await.unwrap(), None, "{backend}");
    }
}
