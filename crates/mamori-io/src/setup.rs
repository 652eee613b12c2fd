//! Founding an organisation: the organisation, its founder (its ISMS secretariat, who also
//! administers it) and the starter content chosen, for the command line and the set-up page alike.

use mamori_domain::registers;
use mamori_store::{Access, Actor, Founder, NewOrganization, Organization, Store, User};

use crate::IoError;

/// What founding made.
pub struct Founded {
    pub org: Organization,
    pub founder: User,
    /// Per starter register loaded: its collection, how many records and companions were added.
    pub starter: Vec<(&'static str, usize, usize)>,
}

/// Founds the organisation with its founder in one transaction (the installation's first with
/// the set-up token `mamori serve` printed, `Store::found_first_organization`), then (when `starter`) loads the
/// reference data Mamori ships (`starter::REGISTERS`: the laws, the Annex A catalogue, the IPA
/// questions). The starter content can be loaded later too, from each register's page.
pub async fn found(
    store: &Store,
    setup_token: Option<&str>,
    actor: &Actor,
    org: &NewOrganization<'_>,
    founder: &Founder<'_>,
    starter: bool,
) -> Result<Founded, IoError> {
    let (org, founder) = match setup_token {
        Some(token) => {
            store
                .found_first_organization(token, actor, org, founder)
                .await?
        }
        None => store.found_organization(actor, org, founder).await?,
    };
    let loaded = if starter {
        let access = Access {
            actor: actor.clone(),
            ..Access::system(org.clone(), "setup")
        };
        load_starter(store, &access).await?
    } else {
        Vec::new()
    };
    Ok(Founded {
        org,
        founder,
        starter: loaded,
    })
}

/// Loads every register's starter content (`starter::REGISTERS`), each idempotent: per register,
/// its collection and how many records and companions were added.
pub async fn load_starter(
    store: &Store,
    access: &Access,
) -> Result<Vec<(&'static str, usize, usize)>, IoError> {
    let mut loaded = Vec::new();
    for collection in crate::starter::REGISTERS {
        let Some(reg) = registers::by_collection(collection) else {
            continue;
        };
        if let Some((added, companions)) = crate::starter::load_register(store, access, reg).await?
        {
            loaded.push((*collection, added, companions));
        }
    }
    Ok(loaded)
}
