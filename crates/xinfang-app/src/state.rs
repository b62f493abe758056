//! The application handle: store, unit tree, calendar, clock rules and the
//! time source, shared by every request. The tree and calendar are cached and
//! swapped whole when an administrator changes them.

use crate::error::AppError;
use chrono::NaiveDateTime;
use std::collections::HashSet;
use std::sync::{Arc, Mutex, RwLock};
use xinfang_domain::calendar::Calendar;
use xinfang_domain::clock::RuleTable;
use xinfang_domain::taxonomy::Taxonomy;
use xinfang_domain::{OrgTree, UnitId};
use xinfang_store::Store;

/// Where "now" comes from: the wall clock in Asia/Shanghai, or a manual clock
/// that tests and the demo generator move forward.
#[derive(Clone)]
pub enum TimeSource {
    System,
    Manual(Arc<Mutex<NaiveDateTime>>),
}

impl TimeSource {
    pub fn now(&self) -> NaiveDateTime {
        match self {
            TimeSource::System => xinfang_store::shanghai_now(),
            TimeSource::Manual(t) => *t.lock().expect("time lock"),
        }
    }
    pub fn set(&self, t: NaiveDateTime) {
        if let TimeSource::Manual(m) = self {
            *m.lock().expect("time lock") = t;
        }
    }
}

#[derive(Clone)]
pub struct App {
    pub store: Store,
    org: Arc<RwLock<Arc<OrgTree>>>,
    calendar: Arc<RwLock<Arc<Calendar>>>,
    rules: Arc<RwLock<Arc<RuleTable>>>,
    classifiers: Arc<RwLock<crate::intelligence::Classifiers>>,
    sensitive: Arc<RwLock<Vec<crate::intelligence::SensitivePeriod>>>,
    taxonomy: Arc<RwLock<Arc<Taxonomy>>>,
    risk: Arc<RwLock<Arc<crate::admin::lexicon::RiskConfig>>>,
    inactive_units: Arc<RwLock<Arc<HashSet<UnitId>>>>,
    /// The full-text index, once attached (`App::attach_search`).
    search: SearchSlot,
    /// Notifications waiting to be written and the gateways (`notify`).
    pub(crate) notify: Arc<crate::notify::Outbox>,
    /// The platform's SM2 root key for 电子签章 (`document_seal`), from the key file.
    pub(crate) signing_root: Arc<RwLock<Option<Arc<xinfang_crypto::sm2::Sm2KeyPair>>>>,
    pub time: TimeSource,
    /// Idle and absolute timeouts of browser sessions (`sign_in`).
    pub(crate) sessions: Arc<RwLock<crate::sign_in::SessionPolicy>>,
    /// The LDAP directory for staff sign-in, when configured (`directory`).
    pub(crate) directory: Arc<RwLock<Option<Arc<crate::directory::DirectoryConfig>>>>,
    /// The dashboard's hot issues per viewer scope and week (`analytics`).
    pub(crate) hot_memo: crate::analytics::HotMemo,
}

type SearchSlot = Arc<RwLock<Option<Arc<crate::search::SearchHandle>>>>;

pub const CALENDAR_SETTING: &str = "calendar";

impl App {
    /// Load caches from the store (the calendar from settings, else the shipped one).
    pub async fn new(store: Store, time: TimeSource) -> Result<App, AppError> {
        let org = store.load_org().await?;
        let calendar = match store.get_setting(CALENDAR_SETTING).await? {
            Some(text) => {
                Calendar::parse(&text).map_err(|e| AppError::field("calendar", e.to_string()))?
            }
            None => Calendar::shipped().clone(),
        };
        let rules = crate::admin::rules_from_setting(
            store
                .get_setting(crate::admin::RULES_SETTING)
                .await?
                .as_deref(),
        )?;
        let classifiers = match store
            .get_setting(crate::intelligence::CLASSIFIER_SETTING)
            .await?
        {
            Some(json) => serde_json::from_str(&json).unwrap_or_default(),
            None => crate::intelligence::Classifiers::default(),
        };
        let sensitive = match store
            .get_setting(crate::intelligence::SENSITIVE_SETTING)
            .await?
        {
            Some(json) => serde_json::from_str(&json).unwrap_or_default(),
            None => vec![],
        };
        let taxonomy = crate::admin::taxonomy::load_or_seed(&store).await?;
        let risk = crate::admin::lexicon::load(&store).await?;
        let inactive: HashSet<UnitId> = store.inactive_units().await?.into_iter().collect();
        // Load the segmenter's dictionary (≈0.3 s, once per process) now
        // rather than in the first registration after start-up.
        let _ = tokio::task::spawn_blocking(|| xinfang_text::analyze("信访人反映小区电梯长期故障"))
            .await;
        Ok(App {
            taxonomy: Arc::new(RwLock::new(Arc::new(taxonomy))),
            risk: Arc::new(RwLock::new(Arc::new(risk))),
            inactive_units: Arc::new(RwLock::new(Arc::new(inactive))),
            classifiers: Arc::new(RwLock::new(classifiers)),
            sensitive: Arc::new(RwLock::new(sensitive)),
            store,
            org: Arc::new(RwLock::new(Arc::new(org))),
            calendar: Arc::new(RwLock::new(Arc::new(calendar))),
            rules: Arc::new(RwLock::new(Arc::new(rules))),
            search: Arc::default(),
            notify: Arc::default(),
            signing_root: Arc::default(),
            time,
            sessions: Arc::default(),
            directory: Arc::default(),
            hot_memo: Arc::default(),
        })
    }

    /// Re-read every cache from the store and swap it in whole: the unit tree
    /// and deactivated units, calendar, clock rules, classifiers, sensitive
    /// periods, taxonomy and risk lexicon. An administrator's change reloads
    /// only the node that made it; with several web nodes on one database each
    /// node calls this periodically (`serve`), so the others follow within
    /// that interval.
    pub async fn refresh_caches(&self) -> Result<(), AppError> {
        let fresh = App::new(self.store.clone(), self.time.clone()).await?;
        *self.org.write().expect("org lock") = fresh.org();
        *self.inactive_units.write().expect("units lock") =
            fresh.inactive_units.read().expect("units lock").clone();
        *self.calendar.write().expect("calendar lock") = fresh.calendar();
        *self.rules.write().expect("rules lock") = fresh.rules();
        *self.classifiers.write().expect("classifier lock") =
            std::mem::take(&mut *fresh.classifiers.write().expect("classifier lock"));
        *self.sensitive.write().expect("sensitive lock") = fresh.sensitive_periods();
        *self.taxonomy.write().expect("taxonomy lock") = fresh.taxonomy();
        *self.risk.write().expect("risk lock") = fresh.risk_config();
        Ok(())
    }

    pub(crate) fn search_slot(&self) -> &SearchSlot {
        &self.search
    }
    pub fn org(&self) -> Arc<OrgTree> {
        self.org.read().expect("org lock").clone()
    }
    pub fn calendar(&self) -> Arc<Calendar> {
        self.calendar.read().expect("calendar lock").clone()
    }
    pub fn rules(&self) -> Arc<RuleTable> {
        self.rules.read().expect("rules lock").clone()
    }
    pub fn now(&self) -> NaiveDateTime {
        self.time.now()
    }

    /// Reload the unit tree (and which units are deactivated) after units changed.
    pub async fn reload_org(&self) -> Result<(), AppError> {
        let org = self.store.load_org().await?;
        let inactive: HashSet<UnitId> = self.store.inactive_units().await?.into_iter().collect();
        *self.org.write().expect("org lock") = Arc::new(org);
        *self.inactive_units.write().expect("units lock") = Arc::new(inactive);
        Ok(())
    }
    /// True when an administrator deactivated the unit (it keeps its history
    /// but receives nothing new).
    pub fn unit_active(&self, id: UnitId) -> bool {
        !self
            .inactive_units
            .read()
            .expect("units lock")
            .contains(&id)
    }
    /// The content taxonomy in force.
    pub fn taxonomy(&self) -> Arc<Taxonomy> {
        self.taxonomy.read().expect("taxonomy lock").clone()
    }
    pub(crate) fn set_taxonomy(&self, t: Taxonomy) {
        *self.taxonomy.write().expect("taxonomy lock") = Arc::new(t);
    }
    /// The risk lexicon and thresholds in force.
    pub fn risk_config(&self) -> Arc<crate::admin::lexicon::RiskConfig> {
        self.risk.read().expect("risk lock").clone()
    }
    pub(crate) fn set_risk_config(&self, c: crate::admin::lexicon::RiskConfig) {
        *self.risk.write().expect("risk lock") = Arc::new(c);
    }
    pub fn classifiers(&self) -> std::sync::RwLockReadGuard<'_, crate::intelligence::Classifiers> {
        self.classifiers.read().expect("classifier lock")
    }
    pub(crate) fn classifiers_mut(
        &self,
    ) -> std::sync::RwLockWriteGuard<'_, crate::intelligence::Classifiers> {
        self.classifiers.write().expect("classifier lock")
    }
    /// Empties the in-memory suggestion models (the stored ones are not
    /// touched): the classification benchmark (`xinfang-bench`) starts each
    /// fold from nothing and learns through `App::learn`.
    pub fn reset_classifiers(&self) {
        *self.classifiers_mut() = Default::default();
    }
    pub fn sensitive_periods(&self) -> Vec<crate::intelligence::SensitivePeriod> {
        self.sensitive.read().expect("sensitive lock").clone()
    }
    pub(crate) fn set_sensitive_periods(&self, p: Vec<crate::intelligence::SensitivePeriod>) {
        *self.sensitive.write().expect("sensitive lock") = p;
    }
    pub(crate) fn set_rules(&self, rules: RuleTable) {
        *self.rules.write().expect("rules lock") = Arc::new(rules);
    }
    pub(crate) fn set_calendar(&self, cal: Calendar) {
        *self.calendar.write().expect("calendar lock") = Arc::new(cal);
    }
}
