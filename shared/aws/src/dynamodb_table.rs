//! The findings table's schema, created from code: for tests and local set-ups. Deployed tables
//! come from `infra/template.yaml`, which declares the same keys and indexes. Also the one-off
//! migration of an existing table (`reindex`, run by the CLI). Kept apart from
//! [`super::dynamodb`] so the functions' code (and so their IAM policies) never creates, scans
//! or migrates tables.

use aws_sdk_dynamodb::types::{
    AttributeDefinition, AttributeValue, BillingMode, GlobalSecondaryIndex, KeySchemaElement,
    KeyType, Projection, ProjectionType, ScalarAttributeType,
};
use aws_sdk_dynamodb::Client;

use super::dynamodb::{build_error, failed, time_shard, BY_ACCOUNT, BY_CONTROL, BY_TIME};
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
        .global_secondary_indexes(index(BY_CONTROL, "gsi2pk")?)
        .global_secondary_indexes(index(BY_TIME, "gsi3pk")?);
    for name in ["pk", "sk", "gsi1pk", "gsi2pk", "gsi3pk", "gsi_sk"] {
        request = request.attribute_definitions(attr(name).map_err(build_error)?);
    }
    request.send().await.map_err(failed("CreateTable", table))?;
    Ok(())
}

/// Puts the findings written before the by-time index (`gsi3`) into it, so that unfiltered
/// listings see them: one `Scan` of the table, then an update of each finding missing its shard.
/// Run once after upgrading (`guardrail findings reindex`); returns how many were updated.
pub async fn reindex(client: &Client, table: &str) -> Result<usize, StoreError> {
    let mut pages = client
        .scan()
        .table_name(table)
        .filter_expression("sk = :state AND attribute_not_exists(gsi3pk)")
        .expression_attribute_values(":state", AttributeValue::S("STATE".into()))
        .into_paginator()
        .items()
        .send();
    let mut updated = 0;
    while let Some(item) = pages.next().await {
        let item = item.map_err(failed("Scan", table))?;
        let Some(id) = item
            .get("pk")
            .and_then(|v| v.as_s().ok())
            .and_then(|pk| pk.strip_prefix("FINDING#"))
        else {
            continue;
        };
        client
            .update_item()
            .table_name(table)
            .key("pk", AttributeValue::S(format!("FINDING#{id}")))
            .key("sk", AttributeValue::S("STATE".into()))
            .update_expression("SET gsi3pk = :shard")
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_values(":shard", AttributeValue::S(time_shard(id)))
            .send()
            .await
            .map_err(failed("UpdateItem", table))?;
        updated += 1;
    }
    Ok(updated)
}
