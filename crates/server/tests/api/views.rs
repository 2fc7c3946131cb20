use crate::support::*;

#[test]
fn drafts_commitments_and_the_channel_are_derived_from_the_log() {
    for app in every_backend() {
        let drafts = app.get_json("/api/v1/drafts");
        assert!(
            drafts["next"].is_null(),
            "one page holds the scenario's drafts"
        );
        let draft = &drafts["drafts"][0];
        let versions = draft["versions"].as_array().unwrap();
        assert!(
            versions.len() >= 5,
            "the annex went through several versions"
        );
        assert!(
            versions.iter().all(|v| v["in_force"] == false),
            "it ends unsigned"
        );
        assert!(!draft["withdrawals"].as_array().unwrap().is_empty());
        let first = versions[0]["index"].as_u64().unwrap();
        let one = app.get_json(&format!("/api/v1/drafts/{first}"));
        assert_eq!(one["versions"].as_array().unwrap().len(), versions.len());

        // The diff from the first version to the latest shows the clauses added late.
        let diff = app.get_json(&format!("/api/v1/drafts/{first}/diff?from=1"));
        let added: Vec<&str> = diff["clauses"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["status"] == "added")
            .map(|c| c["id"].as_str().unwrap())
            .collect();
        let late: Vec<&str> = versions.last().unwrap()["late_clauses"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap())
            .collect();
        assert!(!late.is_empty());
        assert_eq!(added, late);
        assert_eq!(
            app.get(&format!("/api/v1/drafts/{first}/diff?from=0"))
                .status(),
            400
        );
        assert_eq!(
            app.get("/api/v1/drafts/0").status(),
            404,
            "the charter is no draft"
        );

        let compliance = app.get_json("/api/v1/commitments");
        assert_eq!(compliance["commitments"].as_array().unwrap().len(), 2);
        let channel = app.get_json("/api/v1/channel");
        assert!(channel["overdue_acknowledgments"].as_u64().unwrap() >= 1);
        let flagged = channel["messages"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| {
                m["urgent"] == true
                    && m["recipients"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .any(|r| r["overdue"] == true)
            })
            .count();
        assert!(flagged >= 1, "an urgent message went unacknowledged");
    }
}

/// The channel is served a page at a time, newest first: walking the pages
/// with `before` visits every message once, each page says how many
/// acknowledgments are overdue over the whole channel, and a limit outside
/// 1–200 is refused.
#[test]
fn the_channel_is_paged_newest_first_with_stable_cursors() {
    let app = spawn_app();
    let whole = app.get_json("/api/v1/channel?limit=200");
    let total = whole["total"].as_u64().unwrap();
    assert!(total >= 3, "the scenario's channel has messages");
    assert!(whole["next"].is_null());
    let indexes = |page: &serde_json::Value| -> Vec<u64> {
        page["messages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["index"].as_u64().unwrap())
            .collect()
    };
    let all = indexes(&whole);
    assert_eq!(all.len() as u64, total);
    assert!(all.windows(2).all(|w| w[0] > w[1]), "newest first: {all:?}");
    let overdue: u64 = whole["messages"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|m| m["recipients"].as_array().unwrap())
        .filter(|r| r["overdue"] == true)
        .count() as u64;
    assert_eq!(whole["overdue_acknowledgments"], overdue);
    // Each message's text comes with its page, as the record itself says it.
    for index in &all {
        let record = app.get_json(&format!("/api/v1/records/{index}"));
        assert_eq!(
            whole["texts"][index.to_string()],
            record["record"]["envelope"]["body"]["text"],
            "message {index}"
        );
    }

    let mut walked = Vec::new();
    let mut path = "/api/v1/channel?limit=2".to_string();
    loop {
        let page = app.get_json(&path);
        assert_eq!(page["total"], total);
        assert_eq!(page["overdue_acknowledgments"], overdue);
        let got = indexes(&page);
        assert!(got.len() <= 2);
        walked.extend(got);
        match page["next"].as_u64() {
            Some(next) => path = format!("/api/v1/channel?limit=2&before={next}"),
            None => break,
        }
    }
    assert_eq!(walked, all);
    for bad in ["limit=0", "limit=201", "before=x", "page=2"] {
        let r = app.get(&format!("/api/v1/channel?{bad}"));
        assert_eq!(r.status(), 400, "{bad}");
        assert_eq!(r.headers()["content-type"], "application/problem+json");
    }
}

/// Drafts come a page at a time in the order proposed: walking the pages
/// with `after` visits every draft once.
#[test]
fn drafts_are_paged_in_the_order_proposed() {
    let app = spawn_app();
    let first_versions = |page: &serde_json::Value| -> Vec<u64> {
        page["drafts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["versions"][0]["index"].as_u64().unwrap())
            .collect()
    };
    let all = first_versions(&app.get_json("/api/v1/drafts?limit=100"));
    assert!(!all.is_empty());
    assert!(
        all.windows(2).all(|w| w[0] < w[1]),
        "in the order proposed: {all:?}"
    );
    let mut walked = Vec::new();
    let mut path = "/api/v1/drafts?limit=1".to_string();
    loop {
        let page = app.get_json(&path);
        let got = first_versions(&page);
        assert!(got.len() <= 1);
        walked.extend(got);
        match page["next"].as_u64() {
            Some(next) => path = format!("/api/v1/drafts?limit=1&after={next}"),
            None => break,
        }
    }
    assert_eq!(walked, all);
    for bad in ["limit=0", "limit=101", "after=x"] {
        assert_eq!(
            app.get(&format!("/api/v1/drafts?{bad}")).status(),
            400,
            "{bad}"
        );
    }
}

#[test]
fn the_talks_are_sessions_and_statements_in_log_order_a_page_at_a_time() {
    let app = spawn_app();
    let all = app.get_json("/api/v1/talks?limit=100");
    assert!(
        all["next"].is_null(),
        "one page of 100 holds the scenario's talks"
    );
    let records = all["records"].as_array().unwrap();
    let kinds: Vec<&str> = records
        .iter()
        .map(|r| r["record"]["envelope"]["kind"].as_str().unwrap())
        .collect();
    assert!(
        kinds
            .iter()
            .all(|k| *k == "session.record" || *k == "statement"),
        "{kinds:?}"
    );
    assert!(kinds.contains(&"session.record") && kinds.contains(&"statement"));
    let indexes: Vec<u64> = records
        .iter()
        .map(|r| r["index"].as_u64().unwrap())
        .collect();
    assert!(indexes.windows(2).all(|w| w[0] < w[1]), "{indexes:?}");
    // Every one, and nothing else, compared with the whole log.
    let log = app.get_json("/api/v1/records?limit=1000");
    let expected: Vec<u64> = log["records"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| {
            let kind = r["record"]["envelope"]["kind"].as_str().unwrap();
            kind == "session.record" || kind == "statement"
        })
        .map(|r| r["index"].as_u64().unwrap())
        .collect();
    assert_eq!(indexes, expected);
    // Pages of three: the same records, in the same order.
    let mut paged = Vec::new();
    let mut after = String::new();
    loop {
        let page = app.get_json(&format!("/api/v1/talks?limit=3{after}"));
        let items = page["records"].as_array().unwrap();
        assert!(items.len() <= 3);
        paged.extend(items.iter().map(|r| r["index"].as_u64().unwrap()));
        match page["next"].as_u64() {
            Some(next) => after = format!("&after={next}"),
            None => break,
        }
    }
    assert_eq!(paged, indexes);
    // Passages of reporting come with their attribution.
    let quoted = records.iter().any(|r| {
        r["record"]["envelope"]["body"]["sources"]
            .as_array()
            .is_some_and(|s| {
                s.iter()
                    .any(|s| s["attributed_to"] == "a senior security source")
            })
    });
    assert!(quoted);
}

#[test]
fn participants_list_each_member_with_its_name_and_role() {
    let app = spawn_app();
    let participants = app.get_json("/api/v1/participants");
    let member = |id: &str| -> serde_json::Value {
        participants
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|p| p["members"].as_array().unwrap().iter())
            .find(|m| m["id"] == id)
            .cloned()
            .unwrap_or_else(|| panic!("no member {id}"))
    };
    // From the charter.
    let info = member("pakistan.information");
    assert_eq!(
        info["name"],
        "Ministry of Information and Broadcasting, Pakistan"
    );
    assert_eq!(info["role"], "party");
    assert_eq!(member("qatar.mediator")["role"], "mediator");
    // From a member.add record, later in the log.
    let added = member("pakistan.head-r3");
    assert!(
        added["name"]
            .as_str()
            .unwrap()
            .starts_with("Lt. Gen. Asim Malik"),
        "{added}"
    );
    // Every member has a name, and one member's page agrees.
    for p in participants.as_array().unwrap() {
        for m in p["members"].as_array().unwrap() {
            assert!(m["name"].is_string(), "{m}");
        }
    }
    assert_eq!(
        app.get_json("/api/v1/members/pakistan.head-r3")["name"],
        added["name"]
    );
}
