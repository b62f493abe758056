//! The index schema. Filters are raw (untokenised) strings or integers;
//! content and names are jieba-tokenised. Unit ids are indexed twice: the
//! case's own units (who may see petitioner names) and every ancestor of
//! them (who may see the case at all: a viewer sees a case iff their unit is
//! an ancestor-or-self of one of its units).

use crate::tokenizer::{XfTokenizer, JIEBA};
use tantivy::schema::{
    Field, IndexRecordOption, NumericOptions, Schema, TextFieldIndexing, TextOptions, STORED,
    STRING,
};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::Index;

/// Field handles, resolved once.
#[derive(Clone, Copy, Debug)]
pub struct Fields {
    pub case_no: Field,
    pub content: Field,
    pub names: Field,
    pub region: Field,
    pub scope_units: Field,
    pub direct_units: Field,
    pub accused_unit: Field,
    pub current_unit: Field,
    pub channel: Field,
    pub kind: Field,
    pub category: Field,
    pub status: Field,
    pub registered_on: Field,
    pub flags: Field,
}

/// Build the schema and its field handles.
pub fn build() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let jieba_text = |stored: bool| {
        let idx = TextFieldIndexing::default()
            .set_tokenizer(JIEBA)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions);
        let o = TextOptions::default().set_indexing_options(idx);
        if stored {
            o.set_stored()
        } else {
            o
        }
    };
    let ids = NumericOptions::default().set_indexed();
    let fields = Fields {
        case_no: b.add_text_field("case_no", STRING | STORED),
        content: b.add_text_field("content", jieba_text(true)),
        names: b.add_text_field("names", jieba_text(true)),
        region: b.add_text_field("region", STRING),
        scope_units: b.add_u64_field("scope_units", ids.clone()),
        direct_units: b.add_u64_field("direct_units", ids.clone().set_stored()),
        accused_unit: b.add_u64_field("accused_unit", ids.clone()),
        current_unit: b.add_u64_field("current_unit", ids.set_stored()),
        channel: b.add_text_field("channel", STRING | STORED),
        kind: b.add_text_field("kind", STRING | STORED),
        category: b.add_text_field("category", STRING | STORED),
        status: b.add_text_field("status", STRING | STORED),
        registered_on: b.add_i64_field(
            "registered_on",
            NumericOptions::default()
                .set_indexed()
                .set_fast()
                .set_stored(),
        ),
        flags: b.add_text_field("flags", STRING),
    };
    (b.build(), fields)
}

/// Register the jieba tokenizer on an index (needed on every open).
pub fn register_tokenizers(index: &Index) {
    index.tokenizers().register(
        JIEBA,
        TextAnalyzer::builder(XfTokenizer { search_mode: true }).build(),
    );
}

/// Resolve field handles of an existing index by name.
pub fn fields_of(schema: &Schema) -> Option<Fields> {
    let f = |n: &str| schema.get_field(n).ok();
    Some(Fields {
        case_no: f("case_no")?,
        content: f("content")?,
        names: f("names")?,
        region: f("region")?,
        scope_units: f("scope_units")?,
        direct_units: f("direct_units")?,
        accused_unit: f("accused_unit")?,
        current_unit: f("current_unit")?,
        channel: f("channel")?,
        kind: f("kind")?,
        category: f("category")?,
        status: f("status")?,
        registered_on: f("registered_on")?,
        flags: f("flags")?,
    })
}
