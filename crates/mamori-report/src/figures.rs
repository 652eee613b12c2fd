//! A figure's query: the records of one register a figure counts, declared once. The figure's
//! count and both of its links (the list page and the API list) come from this one object: the
//! count runs the query, the links are its parameters (`ListQuery::to_params`, the inverse of the
//! parser the list and the API read them with), so following a link lists exactly what was counted.

use mamori_domain::{FiscalYear, Register};
use mamori_store::{Access, ListQuery, Store, StoreError};

#[derive(Clone, Debug)]
pub struct Query {
    pub reg: &'static Register,
    pub list: ListQuery,
}

impl Query {
    /// The records of `reg` dated (by the date field `date`, or `reference.date` through a
    /// reference) in the year, with the filters (`field=value`, `reference.field=value`), read by
    /// the list's own parser: a filter the list does not take is an error here, not a silent `all`.
    pub fn dated(
        reg: &'static Register,
        date: &str,
        y: FiscalYear,
        filters: &[(&str, &str)],
    ) -> Result<Self, StoreError> {
        let mut params = vec![
            (format!("{date}_from"), mamori_domain::dates::iso(y.start())),
            (
                format!("{date}_to"),
                mamori_domain::dates::iso(y.last_day()),
            ),
        ];
        params.extend(filters.iter().map(|(f, v)| (f.to_string(), v.to_string())));
        Self::of(reg, &params)
    }

    /// The records of `reg` the list parameters ask for.
    pub fn of(reg: &'static Register, params: &[(String, String)]) -> Result<Self, StoreError> {
        Ok(Query {
            reg,
            list: ListQuery::from_params(reg, params, &[])?,
        })
    }

    /// The same records narrowed by more filters.
    pub fn and(&self, filters: &[(&str, &str)]) -> Result<Self, StoreError> {
        let mut params = self.list.to_params();
        params.extend(filters.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        Self::of(self.reg, &params)
    }

    /// The query's parameters, URL-encoded.
    pub fn query_string(&self) -> String {
        self.list
            .to_params()
            .iter()
            .map(|(k, v)| format!("{k}={}", encode(v)))
            .collect::<Vec<_>>()
            .join("&")
    }

    /// The list page that shows the records.
    pub fn page(&self, org: &str) -> String {
        format!("/o/{org}/{}?{}", self.reg.collection, self.query_string())
    }

    /// The API list that lists the records (its `total` is the count).
    pub fn api(&self) -> String {
        format!("/api/v1/{}?{}", self.reg.collection, self.query_string())
    }

    pub async fn count(&self, store: &Store, access: &Access) -> Result<i64, StoreError> {
        store.count(access, self.reg, &self.list).await
    }

    /// The counts of this query narrowed by `field=v`, for each value `v`, as one grouped query,
    /// keyed by the narrowed queries (`key`): what `and(&[(field, v)])?.count(…)` would give, read
    /// at once for a table of figures.
    pub async fn count_each(
        &self,
        store: &Store,
        access: &Access,
        field: &str,
        values: &[&str],
    ) -> Result<Vec<(String, i64)>, StoreError> {
        let counts = store.count_by(access, self.reg, &self.list, field).await?;
        values
            .iter()
            .map(|v| {
                let n = counts.get(*v).copied().unwrap_or(0);
                Ok((self.and(&[(field, v)])?.key(), n))
            })
            .collect()
    }

    /// What identifies the records asked for, whatever the order the filters were given in.
    pub fn key(&self) -> String {
        let mut params = self.list.to_params();
        params.sort();
        format!("{}?{params:?}", self.reg.collection)
    }
}

/// A query parameter's value, percent-encoded (RFC 3986 unreserved characters kept).
pub fn encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
