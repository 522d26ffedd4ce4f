//! The findings table's schema, created from code: for tests and local set-ups. Deployed tables
//! come from `infra/template.yaml`, which declares the same keys and indexes. Kept apart from
//! [`super::dynamodb`] so the functions' code (and so their IAM policies) never creates tables.

use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType, Projection,
    ProjectionType, ScalarAttributeType,
};
use aws_sdk_dynamodb::Client;

use super::dynamodb::{build_error, failed, BY_ACCOUNT, BY_CONTROL};
use guardrail_core::store::StoreError;

/// Creates the table with its indexes (for tests and local set-ups; production tables come
/// from the infrastructure template).
pub async fn create_table(client: &Client, table: &str) -> Result<(), StoreError> {
    let attr = |name: &str| {
        AttributeDefinition::builder()
            .attribute_name(name)
            .attribute_type(ScalarAttributeType::S)
            .build()
    };
    let key = |name: &str, kind: KeyType| {
        KeySchemaElement::builder()
            .attribute_name(name)
            .key_type(kind)
            .build()
    };
    let index = |name: &str, pk: &str| -> Result<GlobalSecondaryIndex, StoreError> {
        GlobalSecondaryIndex::builder()
            .index_name(name)
            .key_schema(key(pk, KeyType::Hash).map_err(build_error)?)
            .key_schema(key("gsi_sk", KeyType::Range).map_err(build_error)?)
            .projection(
                Projection::builder()
                    .projection_type(ProjectionType::All)
                    .build(),
            )
            .build()
            .map_err(build_error)
    };
    let mut request = client
        .create_table()
        .table_name(table)
        .billing_mode(BillingMode::PayPerRequest)
        .key_schema(key("pk", KeyType::Hash).map_err(build_error)?)
        .key_schema(key("sk", KeyType::Range).map_err(build_error)?)
        .global_secondary_indexes(index(BY_ACCOUNT, "gsi1pk")?)
        .global_secondary_indexes(index(BY_CONTROL, "gsi2pk")?);
    for name in ["pk", "sk", "gsi1pk", "gsi2pk", "gsi_sk"] {
        request = request.attribute_definitions(attr(name).map_err(build_error)?);
    }
    request.send().await.map_err(failed("CreateTable", table))?;
    Ok(())
}
