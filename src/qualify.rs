//! The qualified relay (docs/design.md): a candidate who arrived through a company's link, confirmed
//! their address, gave hand-off consent and completed the profile counts once for that company,
//! and only for the first company that relayed the person within the attribution window. Every
//! tenth qualified relay earns the company a credit.

use crate::{
    credit, db,
    email::Email,
    error::Result,
    farming, person, settings,
    time::{now, DAY},
};
use sqlx::Row;

/// Recomputes whether the candidate is in the pool (qualified, looking for a job, not placed,
/// consenting under the notice's last material change) and, the first time they qualify
/// (confirmed, consenting, profile complete, active), counts the relay for their company and
/// awards any credit it completes.
pub async fn refresh(conn: &mut sqlx::AnyConnection, candidate_id: i64) -> Result<()> {
    let row = sqlx::query(
        "SELECT company_id, email, phone, email_confirmed_at, handoff_consent, profile_completed_at, qualified_at, status, search_status FROM candidates WHERE id = $1",
    )
    .bind(candidate_id)
    .fetch_one(&mut *conn)
    .await?;
    // The relay qualifies (the design's rule) ...
    let qualifies = row
        .try_get::<Option<i64>, _>("email_confirmed_at")?
        .is_some()
        && row.try_get::<i64, _>("handoff_consent")? == 1
        && row
            .try_get::<Option<i64>, _>("profile_completed_at")?
            .is_some()
        && row.try_get::<String, _>("status")? == "active";
    // ... and agencies may claim them only while they are looking, not hired, and agreed to the
    // notice's last material change.
    let eligible = qualifies
        && row.try_get::<String, _>("search_status")? == "looking"
        && !placed(&mut *conn, candidate_id).await?
        && crate::consent::covers_material(&mut *conn, candidate_id).await?;
    let t = now();
    sqlx::query("UPDATE candidates SET in_pool = $1 WHERE id = $2")
        .bind(eligible as i64)
        .bind(candidate_id)
        .execute(&mut *conn)
        .await?;
    if !qualifies || row.try_get::<Option<i64>, _>("qualified_at")?.is_some() {
        return Ok(());
    }
    sqlx::query("UPDATE candidates SET qualified_at = $1 WHERE id = $2")
        .bind(t)
        .bind(candidate_id)
        .execute(&mut *conn)
        .await?;
    let company_id: i64 = row.try_get("company_id")?;
    count_relay(
        conn,
        candidate_id,
        company_id,
        row.try_get("email")?,
        row.try_get("phone")?,
    )
    .await?;
    Ok(())
}

/// A person who already qualified opted in again through another company's link: that relay
/// qualifies for that company when no relay of the person qualified within the attribution
/// window before it (a second company cannot farm a person the first one relayed, but can
/// relay them again once the window has passed). Returns whether it counted.
pub async fn relay_again(
    conn: &mut sqlx::AnyConnection,
    candidate_id: i64,
    company_id: i64,
) -> Result<bool> {
    let row =
        sqlx::query("SELECT email, phone, qualified_at, in_pool FROM candidates WHERE id = $1")
            .bind(candidate_id)
            .fetch_one(&mut *conn)
            .await?;
    // Only a relay of someone who qualified and is in the pool now can qualify: the others
    // count for the first company when they qualify.
    if row.try_get::<Option<i64>, _>("qualified_at")?.is_none()
        || row.try_get::<i64, _>("in_pool")? != 1
    {
        return Ok(false);
    }
    count_relay(
        conn,
        candidate_id,
        company_id,
        row.try_get("email")?,
        row.try_get("phone")?,
    )
    .await
}

/// Counts the person's relay for `company_id` unless a relay of the same person (address or
/// phone) qualified within the attribution window, and awards any credit it completes; returns
/// whether it counted. Holds the person and the company while it decides.
async fn count_relay(
    conn: &mut sqlx::AnyConnection,
    candidate_id: i64,
    company_id: i64,
    email: Option<String>,
    phone: Option<String>,
) -> Result<bool> {
    let t = now();
    let (person_key, phone_key) = keys(conn, email, phone).await?;
    let mut persons: Vec<&String> = std::iter::once(&person_key).chain(&phone_key).collect();
    persons.sort();
    for key in persons {
        db::lock_person(conn, key).await?;
    }
    db::lock_company(conn, company_id).await?;
    let s = settings::load(&mut *conn).await?;
    // The first company that relayed this person within the window keeps the relay.
    // A rejected relay never counted, so it keeps no one from counting.
    let earlier: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM relays WHERE qualified_at > $1 AND (person_key = $2 OR phone_key = $3) AND status <> 'rejected' LIMIT 1",
    )
    .bind(t - s.attribution_days * DAY)
    .bind(&person_key)
    .bind(phone_key.clone().unwrap_or_else(|| person_key.clone()))
    .fetch_optional(&mut *conn)
    .await?;
    if earlier.is_some() {
        return Ok(false);
    }
    // A company relays a person once: after the window, the same company's relay does not
    // count again. A relay that trips a farming rule is held for the admin instead.
    let examined = farming::examine(conn, candidate_id, company_id, &s, t).await?;
    let status = if examined.signals.is_empty() {
        "counted"
    } else {
        "held"
    };
    let relay_id: Option<i64> = sqlx::query_scalar(
        "INSERT INTO relays (company_id, candidate_id, person_key, phone_key, qualified_at, status, network, fingerprint, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $5, $5)
         ON CONFLICT (company_id, person_key) DO NOTHING RETURNING id",
    )
    .bind(company_id)
    .bind(candidate_id)
    .bind(&person_key)
    .bind(phone_key)
    .bind(t)
    .bind(status)
    .bind(&examined.network)
    .bind(&examined.fingerprint)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(relay_id) = relay_id else {
        return Ok(false);
    };
    if !examined.signals.is_empty() {
        crate::review::hold(conn, relay_id, company_id, &examined.signals, t).await?;
        return Ok(false);
    }
    sqlx::query("UPDATE companies SET qualified = qualified + 1 WHERE id = $1")
        .bind(company_id)
        .execute(&mut *conn)
        .await?;
    credit::award_relay_credits(conn, company_id, s.relays_per_credit).await?;
    Ok(true)
}

/// The company a placement of the candidate credits: the one the person's newest counted relay
/// belongs to (found by address or phone), if any; a relay held for review earns nothing yet.
pub async fn attributed_company(
    conn: &mut sqlx::AnyConnection,
    candidate_id: i64,
) -> Result<Option<i64>> {
    let row = sqlx::query("SELECT email, phone FROM candidates WHERE id = $1")
        .bind(candidate_id)
        .fetch_one(&mut *conn)
        .await?;
    let (person_key, phone_key) = keys(conn, row.try_get("email")?, row.try_get("phone")?).await?;
    Ok(sqlx::query_scalar(
        "SELECT company_id FROM relays WHERE (person_key = $1 OR phone_key = $2) AND status = 'counted'
         ORDER BY qualified_at DESC, id DESC LIMIT 1",
    )
    .bind(&person_key)
    .bind(phone_key.unwrap_or_else(|| person_key.clone()))
    .fetch_optional(conn)
    .await?)
}

/// The person's keys: keyed hashes of the canonical address and of the phone. They outlive
/// erasure, so without the installation's secret they must not lead back to the person.
async fn keys(
    conn: &mut sqlx::AnyConnection,
    email: Option<String>,
    phone: Option<String>,
) -> Result<(String, Option<String>)> {
    let pepper = person::pepper(conn).await?;
    let email = email.and_then(|e| Email::parse(&e).ok());
    Ok((
        person::email_key_of(&pepper, email.as_ref()),
        phone.and_then(|p| person::phone_key(&pepper, &p)),
    ))
}

/// Whether the candidate was placed (a placement that was not withdrawn): they are hired and
/// leave the pool for good.
async fn placed(conn: &mut sqlx::AnyConnection, candidate_id: i64) -> Result<bool> {
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM placements WHERE candidate_id = $1 AND status <> 'rejected' LIMIT 1",
    )
    .bind(candidate_id)
    .fetch_optional(conn)
    .await?;
    Ok(found.is_some())
}
