//! Who and what a channel has: numbers, teams, managers, and the international rate table its
//! managers dial by.

use crate::{NumberRoute, QueueSettingsRow, RateRow, Result, Store, TeamRow, on_pool};

/// Groups `(key, value)` rows, already ordered by key, into one list per key in that order.
fn group_by_key<K: PartialEq + Copy, V>(rows: Vec<(K, V)>) -> Vec<(K, Vec<V>)> {
    let mut groups: Vec<(K, Vec<V>)> = Vec::new();
    for (key, value) in rows {
        match groups.last_mut() {
            Some((k, values)) if *k == key => values.push(value),
            _ => groups.push((key, vec![value])),
        }
    }
    groups
}

/// A team with its queue settings, if it has any.
#[derive(sqlx::FromRow)]
struct TeamQueueRow {
    id: i64,
    name: String,
    max_wait_seconds: Option<i64>,
    announce_every_seconds: Option<i64>,
    language: Option<String>,
}

impl TeamQueueRow {
    fn queue(&self) -> QueueSettingsRow {
        match (
            self.max_wait_seconds,
            self.announce_every_seconds,
            &self.language,
        ) {
            (Some(max_wait_seconds), Some(announce_every_seconds), Some(language)) => {
                QueueSettingsRow {
                    max_wait_seconds,
                    announce_every_seconds,
                    language: language.clone(),
                }
            }
            _ => QueueSettingsRow::default(),
        }
    }
}

impl Store {
    /// How a dialled E.164 number routes, if the service owns it.
    pub async fn number_route(&self, e164: &str) -> Result<Option<NumberRoute>> {
        let route: Option<NumberRoute> = on_pool!(self, |p| sqlx::query_as(
            "SELECT n.channel_id, c.default_country_code, n.e164, n.team_id, \
             COALESCE(t.name, '') AS team_name \
             FROM numbers n JOIN channels c ON c.id = n.channel_id \
             LEFT JOIN teams t ON t.id = n.team_id WHERE n.e164 = $1"
        )
        .bind(e164)
        .fetch_optional(p)
        .await?);
        let Some(mut route) = route else {
            return Ok(None);
        };
        route.members = match route.team_id {
            Some(team) => self.team_members(team).await?,
            None => self.unassigned_ringers(route.channel_id).await?,
        };
        Ok(Some(route))
    }

    /// The channel's managers who asked to be rung for calls nobody is assigned.
    async fn unassigned_ringers(&self, channel_id: i64) -> Result<Vec<i64>> {
        Ok(on_pool!(self, |p| sqlx::query_scalar(
            "SELECT id FROM managers WHERE channel_id = $1 AND ring_unassigned ORDER BY id"
        )
        .bind(channel_id)
        .fetch_all(p)
        .await?))
    }

    /// Saves a manager's assignment settings: the "phone" type and "ring me for unassigned
    /// calls".
    pub async fn set_assignment(
        &self,
        manager_id: i64,
        takes_phone_calls: bool,
        ring_unassigned: bool,
    ) -> Result<()> {
        on_pool!(self, |p| sqlx::query(
            "UPDATE managers SET takes_phone_calls = $1, ring_unassigned = $2 WHERE id = $3"
        )
        .bind(takes_phone_calls)
        .bind(ring_unassigned)
        .bind(manager_id)
        .execute(p)
        .await?
        .rows_affected());
        Ok(())
    }

    /// Sets how a team's queue treats callers; false when the channel has no such team.
    pub async fn set_queue_settings(
        &self,
        channel_id: i64,
        team_id: i64,
        settings: &QueueSettingsRow,
    ) -> Result<bool> {
        let done = on_pool!(self, |p| sqlx::query(
            "INSERT INTO queue_settings \
             (team_id, max_wait_seconds, announce_every_seconds, language) \
             SELECT id, $3, $4, $5 FROM teams WHERE id = $1 AND channel_id = $2 \
             ON CONFLICT (team_id) DO UPDATE SET max_wait_seconds = excluded.max_wait_seconds, \
             announce_every_seconds = excluded.announce_every_seconds, \
             language = excluded.language"
        )
        .bind(team_id)
        .bind(channel_id)
        .bind(settings.max_wait_seconds)
        .bind(settings.announce_every_seconds)
        .bind(&settings.language)
        .execute(p)
        .await?
        .rows_affected());
        Ok(done == 1)
    }

    async fn team_members(&self, team_id: i64) -> Result<Vec<i64>> {
        Ok(on_pool!(self, |p| sqlx::query_scalar(
            "SELECT manager_id FROM team_members WHERE team_id = $1 ORDER BY position, manager_id"
        )
        .bind(team_id)
        .fetch_all(p)
        .await?))
    }

    /// The channel's country calling code (e.g. `82`): how a national number is read.
    pub async fn channel_country_code(&self, channel_id: i64) -> Result<Option<String>> {
        Ok(on_pool!(self, |p| sqlx::query_scalar(
            "SELECT default_country_code FROM channels WHERE id = $1"
        )
        .bind(channel_id)
        .fetch_optional(p)
        .await?))
    }

    /// The channel's teams with their members and queue settings; `team_id` picks one.
    pub async fn teams(&self, channel_id: i64, team_id: Option<i64>) -> Result<Vec<TeamRow>> {
        let teams: Vec<TeamQueueRow> = on_pool!(self, |p| sqlx::query_as(
            "SELECT t.id, t.name, q.max_wait_seconds, q.announce_every_seconds, q.language \
             FROM teams t LEFT JOIN queue_settings q ON q.team_id = t.id \
             WHERE t.channel_id = $1 AND ($2 IS NULL OR t.id = $2) ORDER BY t.id"
        )
        .bind(channel_id)
        .bind(team_id)
        .fetch_all(p)
        .await?);
        let members: Vec<(i64, i64)> = on_pool!(self, |p| sqlx::query_as(
            "SELECT tm.team_id, tm.manager_id FROM team_members tm \
             JOIN teams t ON t.id = tm.team_id \
             WHERE t.channel_id = $1 AND ($2 IS NULL OR t.id = $2) \
             ORDER BY tm.team_id, tm.position, tm.manager_id"
        )
        .bind(channel_id)
        .bind(team_id)
        .fetch_all(p)
        .await?);
        let mut members = group_by_key(members).into_iter().peekable();
        Ok(teams
            .into_iter()
            .map(|t| TeamRow {
                queue: t.queue(),
                members: members
                    .next_if(|(team, _)| *team == t.id)
                    .map(|(_, m)| m)
                    .unwrap_or_default(),
                id: t.id,
                name: t.name,
            })
            .collect())
    }

    /// The channel's managers (id, name), for invite and transfer pickers.
    pub async fn channel_managers(&self, channel_id: i64) -> Result<Vec<(i64, String)>> {
        Ok(on_pool!(self, |p| sqlx::query_as(
            "SELECT id, name FROM managers WHERE channel_id = $1 ORDER BY id"
        )
        .bind(channel_id)
        .fetch_all(p)
        .await?))
    }

    /// The channel's numbers (E.164, label) in the order they were added: the caller-IDs
    /// its managers may show, the first being the default.
    pub async fn channel_numbers(&self, channel_id: i64) -> Result<Vec<(String, String)>> {
        Ok(on_pool!(self, |p| sqlx::query_as(
            "SELECT e164, label FROM numbers WHERE channel_id = $1 ORDER BY id"
        )
        .bind(channel_id)
        .fetch_all(p)
        .await?))
    }

    /// Adds a number to a channel (admin tooling and tests; the admin UI is a later issue).
    pub async fn add_number(&self, channel_id: i64, e164: &str, label: &str) -> Result<()> {
        on_pool!(self, |p| sqlx::query(
            "INSERT INTO numbers (channel_id, e164, label) VALUES ($1, $2, $3)"
        )
        .bind(channel_id)
        .bind(e164)
        .bind(label)
        .execute(p)
        .await?
        .rows_affected());
        Ok(())
    }

    /// Adds a channel with one team, one manager and one number — for tests of tenant isolation.
    pub async fn create_channel(
        &self,
        name: &str,
        manager_email: &str,
        password: &str,
        number: &str,
        now_ms: i64,
    ) -> Result<i64> {
        let hash = crate::password::hash(password).await?;
        on_pool!(self, |p| {
            let mut tx = p.begin().await?;
            let channel: i64 = sqlx::query_scalar(
                "INSERT INTO channels (name, created_at_ms) VALUES ($1, $2) RETURNING id",
            )
            .bind(name)
            .bind(now_ms)
            .fetch_one(&mut *tx)
            .await?;
            let team: i64 = sqlx::query_scalar(
                "INSERT INTO teams (channel_id, name) VALUES ($1, 'Support') RETURNING id",
            )
            .bind(channel)
            .fetch_one(&mut *tx)
            .await?;
            let manager: i64 = sqlx::query_scalar(
                "INSERT INTO managers (channel_id, name, email, password_hash, role) \
                 VALUES ($1, $2, $2, $3, 'owner') RETURNING id",
            )
            .bind(channel)
            .bind(manager_email)
            .bind(&hash)
            .fetch_one(&mut *tx)
            .await?;
            sqlx::query(
                "INSERT INTO team_members (team_id, manager_id, position) VALUES ($1, $2, 0)",
            )
            .bind(team)
            .bind(manager)
            .execute(&mut *tx)
            .await?;
            sqlx::query("INSERT INTO numbers (channel_id, e164, team_id) VALUES ($1, $2, $3)")
                .bind(channel)
                .bind(number)
                .bind(team)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok(channel)
        })
    }

    /// Adds an operator to the channel's first team, last in ring order (load tests and admin
    /// tooling; the admin UI is a later issue).
    pub async fn add_team_manager(
        &self,
        channel_id: i64,
        name: &str,
        email: &str,
        password: &str,
    ) -> Result<i64> {
        let hash = crate::password::hash(password).await?;
        on_pool!(self, |p| {
            let mut tx = p.begin().await?;
            let team: i64 = sqlx::query_scalar(
                "SELECT id FROM teams WHERE channel_id = $1 ORDER BY id LIMIT 1",
            )
            .bind(channel_id)
            .fetch_one(&mut *tx)
            .await?;
            let manager: i64 = sqlx::query_scalar(
                "INSERT INTO managers (channel_id, name, email, password_hash, role) \
                 VALUES ($1, $2, $3, $4, 'manager') RETURNING id",
            )
            .bind(channel_id)
            .bind(name)
            .bind(email)
            .bind(&hash)
            .fetch_one(&mut *tx)
            .await?;
            sqlx::query(
                "INSERT INTO team_members (team_id, manager_id, position) \
                 VALUES ($1, $2, (SELECT COALESCE(MAX(position), -1) + 1 FROM team_members \
                 WHERE team_id = $1))",
            )
            .bind(team)
            .bind(manager)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(manager)
        })
    }

    /// The international rate table, by calling code.
    pub async fn international_rates(&self) -> Result<Vec<RateRow>> {
        Ok(on_pool!(self, |p| sqlx::query_as(
            "SELECT code, price_cu, country FROM international_rates ORDER BY code"
        )
        .fetch_all(p)
        .await?))
    }

    /// Replaces the whole international rate table at once (an admin's edit, or the seed):
    /// a bad row rolls everything back, so calls never see half a table.
    pub async fn replace_international_rates(&self, rows: &[RateRow]) -> Result<()> {
        on_pool!(self, |p| {
            let mut tx = p.begin().await?;
            sqlx::query("DELETE FROM international_rates")
                .execute(&mut *tx)
                .await?;
            for r in rows {
                sqlx::query(
                    "INSERT INTO international_rates (code, price_cu, country) \
                     VALUES ($1, $2, $3)",
                )
                .bind(&r.code)
                .bind(i64::from(r.price_cu))
                .bind(&r.country)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
            Ok(())
        })
    }
}

/// `text` with LIKE's wildcards taken literally (escaped with `\`).
pub(crate) fn like_escaped(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

#[cfg(test)]
mod tests {
    use super::group_by_key;

    #[test]
    fn groups_keep_the_order_of_keys_and_values() {
        let rows = vec![(1, 'a'), (1, 'b'), (3, 'c'), (4, 'd'), (4, 'e')];
        assert_eq!(
            group_by_key(rows),
            vec![(1, vec!['a', 'b']), (3, vec!['c']), (4, vec!['d', 'e'])]
        );
        assert_eq!(group_by_key::<i32, char>(vec![]), vec![]);
    }
}
