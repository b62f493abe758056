//! Events on RabbitMQ (issue #19 item 4), against the real broker on this
//! machine (127.0.0.1:5672, guest/guest; `scripts/test.sh` starts it): a
//! stream of registrations and transfers is published to `xinfang.events`
//! while the broker is stopped and started again (`rabbitmqctl stop_app`,
//! `start_app`) mid-stream. Afterwards the durable test queue holds every
//! published event — nothing lost —, a duplicate only with its original
//! message id and body, each case's events in order, each under
//! `<region_code>.<kind>`, persistent.

use crate::common;
use crate::events_kit::petition;
use common::*;
use lapin::options::{
    BasicGetOptions, ExchangeDeclareOptions, QueueBindOptions, QueueDeclareOptions,
    QueueDeleteOptions,
};
use lapin::types::FieldTable;
use lapin::{Connection, ConnectionProperties, ExchangeKind};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::time::{Duration, Instant};
use xinfang_app::events::amqp::{AmqpConfig, AmqpPublisher, EXCHANGE};

const URL: &str = "amqp://guest:guest@127.0.0.1:5672/%2f";

/// One broker for both database variants: they restart it in turn.
static BROKER: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

async fn connect() -> Connection {
    let start = Instant::now();
    loop {
        let props = ConnectionProperties::default()
            .with_executor(tokio_executor_trait::Tokio::current())
            .with_reactor(tokio_reactor_trait::Tokio::current());
        match Connection::connect(URL, props).await {
            Ok(c) => return c,
            Err(e) if start.elapsed() < Duration::from_secs(60) => {
                let _ = e;
                tokio::time::sleep(Duration::from_millis(300)).await;
            }
            Err(e) => panic!("RabbitMQ at {URL} (scripts/test.sh starts it): {e}"),
        }
    }
}

fn rabbitmqctl(arg: &str) {
    let out = std::process::Command::new("rabbitmqctl")
        .arg(arg)
        .output()
        .expect("rabbitmqctl");
    assert!(out.status.success(), "rabbitmqctl {arg}: {:?}", out);
}

/// Starts the broker's application again however the test ends.
struct Restart;
impl Drop for Restart {
    fn drop(&mut self) {
        let _ = std::process::Command::new("rabbitmqctl")
            .arg("start_app")
            .output();
    }
}

dual_test!(
    nothing_is_lost_when_the_broker_restarts_mid_stream,
    |app: TestApp| async move {
        let _broker = BROKER.lock().await;
        let _restart = Restart;
        let conn = connect().await;
        let ch = conn.create_channel().await.unwrap();
        let durable = ExchangeDeclareOptions {
            durable: true,
            ..Default::default()
        };
        ch.exchange_declare(
            EXCHANGE,
            ExchangeKind::Topic,
            durable,
            FieldTable::default(),
        )
        .await
        .unwrap();
        let queue = format!("xinfang-test-{:016x}", rand::random::<u64>());
        let qopts = QueueDeclareOptions {
            durable: true,
            ..Default::default()
        };
        ch.queue_declare(&queue, qopts, FieldTable::default())
            .await
            .unwrap();
        ch.queue_bind(
            &queue,
            EXCHANGE,
            "#",
            QueueBindOptions::default(),
            FieldTable::default(),
        )
        .await
        .unwrap();

        let config = AmqpConfig {
            url: URL.into(),
            scope_unit: None,
        };
        let mut publisher = AmqpPublisher::new(config.clone());
        publisher
            .round(&app.app)
            .await
            .expect("first round starts the cursor at the head");
        let start: i64 = app.app.store.max_event_seq().await.unwrap();
        let pump_app = app.app.clone();
        let failed_rounds = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let failures = failed_rounds.clone();
        let pump = tokio::spawn(async move {
            loop {
                match publisher.round(&pump_app).await {
                    Ok(r) if r.read == 0 => tokio::time::sleep(Duration::from_millis(30)).await,
                    Ok(_) => {}
                    Err(_) => {
                        failures.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                        tokio::time::sleep(Duration::from_millis(300)).await;
                    }
                }
            }
        });

        // The stream: registrations, every third one forwarded at once.
        let bureau = app.token("shangcheng_xfj").await;
        let zhujian = app.unit("杭州市上城区住房和城乡建设局");
        let mut cases = vec![];
        let mut stopped_at = None;
        for i in 0..36u32 {
            let case_no = petition(
                &app,
                &format!("队列测试{i}"),
                &format!(
                    "330102198{}{:02}{:02}{:03}",
                    i % 10,
                    i % 12 + 1,
                    i % 28 + 1,
                    i + 100
                ),
                &format!("要求解决第{i}号楼屋顶漏水问题"),
            )
            .await;
            if i % 3 == 0 {
                app.act_ok(&bureau, &case_no, json!({"action": "transfer", "to": zhujian, "mode": "forward", "report_due": null}))
                    .await;
            }
            cases.push(case_no);
            tokio::time::sleep(Duration::from_millis(40)).await;
            if i == 12 {
                // Mid-stream: the broker goes away while the stream goes on.
                tokio::task::spawn_blocking(|| rabbitmqctl("stop_app"))
                    .await
                    .unwrap();
                stopped_at = Some(Instant::now());
            }
            if i == 24 {
                tokio::task::spawn_blocking(|| rabbitmqctl("start_app"))
                    .await
                    .unwrap();
            }
        }
        assert!(stopped_at.is_some());
        // The publisher catches up.
        let head = app.app.store.max_event_seq().await.unwrap();
        let deadline = Instant::now() + Duration::from_secs(120);
        while app.app.store.pump_cursor("amqp").await.unwrap() < head {
            assert!(Instant::now() < deadline, "the publisher did not catch up");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        pump.abort();
        let failed = failed_rounds.load(std::sync::atomic::Ordering::SeqCst);
        assert!(
            failed > 0,
            "the publisher met the stopped broker mid-stream"
        );

        // What was published, from the log itself.
        let rows: Vec<(i64, String, String)> = sqlx::query_as(
            "SELECT seq, kind, hash FROM events WHERE case_id IS NOT NULL AND seq > $1 ORDER BY seq",
        )
        .bind(start)
        .fetch_all(app.app.store.pool())
        .await
        .unwrap();
        let expected: Vec<String> = rows
            .iter()
            .filter(|(_, k, _)| xinfang_domain::outbound::is_published(k))
            .map(|(_, _, h)| xinfang_domain::outbound::event_id(h))
            .collect();
        assert_eq!(expected.len(), 36 + 12);

        // Everything in the queue.
        let conn = connect().await;
        let ch = conn.create_channel().await.unwrap();
        let mut got: Vec<(String, String, Value, Option<u8>)> = vec![];
        let mut idle = 0;
        while idle < 10 {
            match ch
                .basic_get(&queue, BasicGetOptions { no_ack: true })
                .await
                .unwrap()
            {
                Some(m) => {
                    idle = 0;
                    let d = m.delivery;
                    let id = d
                        .properties
                        .message_id()
                        .clone()
                        .map(|s| s.as_str().to_string())
                        .unwrap_or_default();
                    let body: Value = serde_json::from_slice(&d.data).unwrap();
                    got.push((
                        id,
                        d.routing_key.as_str().to_string(),
                        body,
                        *d.properties.delivery_mode(),
                    ));
                }
                None => {
                    idle += 1;
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            }
        }
        ch.queue_delete(&queue, QueueDeleteOptions::default())
            .await
            .unwrap();
        let _ = conn.close(200, "bye").await;

        let mut first: HashMap<String, Value> = HashMap::new();
        let mut order: HashMap<String, u64> = HashMap::new();
        for (id, key, body, mode) in &got {
            assert_eq!(mode, &Some(2), "persistent");
            assert_eq!(body["id"], id.as_str(), "message id = event id");
            assert_eq!(
                key,
                &format!(
                    "{}.{}",
                    body["case"]["region_code"].as_str().unwrap(),
                    body["kind"].as_str().unwrap()
                )
            );
            match first.get(id) {
                Some(b) => assert_eq!(b, body, "a duplicate carries the same id and body"),
                None => {
                    first.insert(id.clone(), body.clone());
                    let case = body["case"]["case_no"].as_str().unwrap().to_string();
                    let n = body["sequence"].as_u64().unwrap();
                    let before = order.insert(case.clone(), n).unwrap_or(0);
                    assert!(n > before, "{case}: event {n} after {before}");
                }
            }
        }
        let mut want = expected.clone();
        want.sort();
        let mut have: Vec<String> = first.keys().cloned().collect();
        have.sort();
        assert_eq!(
            have,
            want,
            "every published event arrived (received {} messages)",
            got.len()
        );
        eprintln!(
            "AMQP: {} events, {} messages ({} duplicates across the restart), {failed} failed rounds",
            want.len(),
            got.len(),
            got.len() - want.len()
        );
        let _ = cases;
    }
);
