//! The content taxonomy service: seeded from the shipped data file on first
//! start, edited by administrators (add, rename, deactivate — never delete,
//! old cases keep their code), cached in `App` and swapped on change.
//! Registration resolves the category a registrar or client gives (a code,
//! or a legacy name path such as `城乡建设/房地产/交房难`) to its code.

use crate::error::AppError;
use crate::state::App;
use xinfang_domain::taxonomy::{parse_csv, TaxonNode, Taxonomy, DEFAULT_TAXONOMY};
use xinfang_domain::Staff;
use xinfang_store::Store;

/// Load the stored taxonomy, seeding the shipped default when it is empty.
pub async fn load_or_seed(store: &Store) -> Result<Taxonomy, AppError> {
    let mut nodes = store.load_taxonomy().await?;
    if nodes.is_empty() {
        let default =
            parse_csv(DEFAULT_TAXONOMY).map_err(|e| AppError::field("taxonomy", e.to_string()))?;
        store.seed_taxonomy(&default).await?;
        nodes = store.load_taxonomy().await?;
    }
    Ok(Taxonomy::new(nodes))
}

fn invalid(e: xinfang_domain::taxonomy::TaxonomyError) -> AppError {
    AppError::field("taxonomy", e.to_string())
}

impl App {
    /// The stored code for a category given at registration, or a field error.
    pub fn resolve_category(&self, input: &str) -> Result<String, AppError> {
        let t = self.taxonomy();
        let node = t.resolve(input).ok_or_else(|| {
            AppError::field(
                "category",
                format!("内容分类“{}”不在分类体系中", input.trim()),
            )
        })?;
        if !t.is_usable(&node.code) {
            return Err(AppError::field(
                "category",
                format!("内容分类“{}”已停用", t.path(&node.code).unwrap_or_default()),
            ));
        }
        Ok(node.code.clone())
    }

    /// Human-readable path of a stored category (code, or a legacy path as is).
    pub fn category_label(&self, stored: &str) -> String {
        let t = self.taxonomy();
        t.resolve(stored)
            .and_then(|n| t.path(&n.code))
            .unwrap_or_else(|| stored.to_string())
    }

    /// Add a node under `parent` (`None`: a new 领域); audited.
    pub async fn add_taxon(
        &self,
        staff: &Staff,
        parent: Option<&str>,
        name: &str,
    ) -> Result<TaxonNode, AppError> {
        self.require_admin(staff)?;
        let parent = parent.map(str::trim).filter(|p| !p.is_empty());
        let node = self.taxonomy().plan_child(parent, name).map_err(invalid)?;
        self.store
            .insert_taxon(&node, &format!("user:{}", staff.username))
            .await?;
        self.reload_taxonomy().await?;
        Ok(node)
    }

    /// Rename and/or (de)activate a node; audited.
    pub async fn change_taxon(
        &self,
        staff: &Staff,
        code: &str,
        name: Option<&str>,
        active: Option<bool>,
    ) -> Result<TaxonNode, AppError> {
        self.require_admin(staff)?;
        let t = self.taxonomy();
        let before = t.get(code).cloned().ok_or(AppError::NotFound)?;
        let mut after = before.clone();
        if let Some(n) = name {
            after.name = t.check_rename(code, n).map_err(invalid)?;
        }
        if let Some(a) = active {
            after.active = a;
        }
        if after == before {
            return Ok(after);
        }
        self.store
            .update_taxon(&before, &after, &format!("user:{}", staff.username))
            .await?;
        self.reload_taxonomy().await?;
        Ok(after)
    }

    async fn reload_taxonomy(&self) -> Result<(), AppError> {
        let nodes = self.store.load_taxonomy().await?;
        self.set_taxonomy(Taxonomy::new(nodes));
        Ok(())
    }
}
