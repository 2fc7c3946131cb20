use crate::support::*;

#[test]
fn drafts_commitments_and_the_channel_are_derived_from_the_log() {
    for app in every_backend() {
        let drafts = app.get_json("/api/v1/drafts");
        let draft = &drafts[0];
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
        let flagged = channel
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
