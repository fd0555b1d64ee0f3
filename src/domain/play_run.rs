//! Play runs: a partner running one of the vendor's GTM plays, optionally at one account, with the
//! outcome once it is known.

use super::{Amount, Currency, Id, Invalid, plausible_date};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A play run as the client sends it (`PUT /v1/play-runs/{id}`).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlayRunInput {
    /// The partner running the play.
    pub partner_id: String,
    /// The play it runs.
    pub play_id: String,
    /// The account it runs the play at, if the run targets one.
    #[serde(default)]
    pub account_id: Option<String>,
    /// When the run started.
    pub started_on: NaiveDate,
    /// When it ended; absent while it is in progress. Not before `started_on`.
    #[serde(default)]
    pub ended_on: Option<NaiveDate>,
    /// Pipeline the run generated, in `currency`; absent while unknown.
    #[serde(default)]
    pub pipeline_amount: Option<f64>,
    /// ISO 4217 currency of `pipeline_amount`; required with it.
    #[serde(default)]
    pub currency: Option<String>,
    /// Whether the run met its goal; absent while unknown.
    #[serde(default)]
    pub succeeded: Option<bool>,
}

/// A partner's run of a GTM play.
///
/// The outcome fields (`ended_on`, `pipeline_amount`, `succeeded`) are absent while the run is in
/// progress. `succeeded` may be known without `ended_on`: some PRMs record whether a run worked but
/// not when it ended, and refusing those runs would lose the outcome, which is what matters to
/// recommendations. A `currency` without `pipeline_amount` is kept as sent (a PRM may fill it on
/// every run); `pipeline_amount` without `currency` is refused, since an amount in an unknown
/// currency cannot be compared with any other.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PlayRun {
    /// Client-chosen id.
    #[schema(value_type = String)]
    pub id: Id,
    /// The partner running the play.
    #[schema(value_type = String)]
    pub partner_id: Id,
    /// The play it runs.
    #[schema(value_type = String)]
    pub play_id: Id,
    /// The account it runs the play at.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    #[schema(value_type = Option<String>)]
    pub account_id: Option<Id>,
    /// When the run started.
    pub started_on: NaiveDate,
    /// When it ended.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub ended_on: Option<NaiveDate>,
    /// Pipeline the run generated, in `currency`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    #[schema(value_type = Option<f64>)]
    pub pipeline_amount: Option<Amount>,
    /// ISO 4217 currency of `pipeline_amount`.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    #[schema(value_type = Option<String>)]
    pub currency: Option<Currency>,
    /// Whether the run met its goal.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub succeeded: Option<bool>,
}

impl PlayRun {
    /// Builds a play run from its input; fails naming the first invalid field.
    pub fn from_input(id: Id, input: PlayRunInput) -> Result<Self, Invalid> {
        let partner_id = Id::parse("partner_id", &input.partner_id)?;
        let play_id = Id::parse("play_id", &input.play_id)?;
        let account_id = input
            .account_id
            .map(|a| Id::parse("account_id", &a))
            .transpose()?;
        let started_on = plausible_date("started_on", input.started_on)?;
        let ended_on = input
            .ended_on
            .map(|d| plausible_date("ended_on", d))
            .transpose()?;
        if let Some(end) = ended_on
            && end < started_on
        {
            return Err(Invalid::new("ended_on", "must not be before started_on"));
        }
        let pipeline_amount = input
            .pipeline_amount
            .map(|a| Amount::parse("pipeline_amount", a))
            .transpose()?;
        let currency = input
            .currency
            .map(|c| Currency::parse("currency", &c))
            .transpose()?;
        if pipeline_amount.is_some() && currency.is_none() {
            return Err(Invalid::new(
                "currency",
                "is required with pipeline_amount (an ISO 4217 code such as USD)",
            ));
        }
        Ok(PlayRun {
            id,
            partner_id,
            play_id,
            account_id,
            started_on,
            ended_on,
            pipeline_amount,
            currency,
            succeeded: input.succeeded,
        })
    }

    /// Whether the run's outcome is known, i.e. whether it says if it succeeded.
    pub fn outcome_known(&self) -> bool {
        self.succeeded.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn build(body: Value) -> Result<PlayRun, Invalid> {
        let input: PlayRunInput = serde_json::from_value(body).expect("a well-formed input");
        PlayRun::from_input(Id::parse("id", "RUN-1").unwrap(), input)
    }

    fn field_of(body: Value) -> String {
        build(body).expect_err("refused").field
    }

    #[test]
    fn a_finished_run_reads_back_as_sent() {
        let run = build(
            json!({"partner_id": "P-17", "play_id": "PL-03", "started_on": "2025-04-01",
            "account_id": null, "ended_on": "2025-06-20", "pipeline_amount": 84000,
            "currency": "usd", "succeeded": true}),
        )
        .unwrap();
        assert_eq!(run.currency, Some(Currency::USD));
        assert_eq!(run.pipeline_amount.map(Amount::value), Some(84000.0));
        assert!(run.outcome_known());
        let back: PlayRun = serde_json::from_value(serde_json::to_value(&run).unwrap()).unwrap();
        assert_eq!(back, run);
    }

    #[test]
    fn a_run_in_progress_needs_only_its_partner_play_and_start() {
        let run =
            build(json!({"partner_id": "P-1", "play_id": "PL-1", "started_on": "2025-04-01"}))
                .unwrap();
        assert!(!run.outcome_known());
        assert_eq!(
            serde_json::to_value(&run).unwrap(),
            json!({"id": "RUN-1", "partner_id": "P-1", "play_id": "PL-1", "started_on": "2025-04-01"})
        );
    }

    #[test]
    fn success_is_accepted_without_an_end_date() {
        let run = build(
            json!({"partner_id": "P-1", "play_id": "PL-1", "started_on": "2025-04-01",
            "succeeded": false}),
        )
        .unwrap();
        assert!(run.outcome_known() && run.ended_on.is_none());
    }

    #[test]
    fn each_broken_rule_names_its_field() {
        let base = || json!({"partner_id": "P-1", "play_id": "PL-1", "started_on": "2025-04-01"});
        let with = |k: &str, v: Value| {
            let mut b = base();
            b[k] = v;
            b
        };
        assert_eq!(field_of(with("ended_on", json!("2025-03-31"))), "ended_on");
        assert_eq!(field_of(with("pipeline_amount", json!(1000))), "currency");
        assert_eq!(
            field_of(with("pipeline_amount", json!(-1))),
            "pipeline_amount"
        );
        assert_eq!(field_of(with("currency", json!("dollars"))), "currency");
        assert_eq!(
            field_of(with("started_on", json!("0024-04-01"))),
            "started_on"
        );
        assert_eq!(field_of(with("ended_on", json!("2300-01-01"))), "ended_on");
        assert_eq!(field_of(with("partner_id", json!(""))), "partner_id");
        assert_eq!(field_of(with("play_id", json!("PL/1"))), "play_id");
        assert_eq!(field_of(with("account_id", json!(" A-1"))), "account_id");
    }

    #[test]
    fn a_run_may_end_the_day_it_started_and_keep_a_currency_without_an_amount() {
        let run = build(
            json!({"partner_id": "P-1", "play_id": "PL-1", "started_on": "2025-04-01",
            "ended_on": "2025-04-01", "currency": "EUR"}),
        )
        .unwrap();
        assert_eq!(run.ended_on, Some(run.started_on));
        assert_eq!(
            run.currency.map(|c| c.as_str().to_string()),
            Some("EUR".into())
        );
    }
}
