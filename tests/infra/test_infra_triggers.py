"""Stream mappings, event rules and schedules: bounded retries, dead-letter queues, alarms."""

from __future__ import annotations

import json

from omni_infra.domains import function_specs, table_domains
from omni_infra.domains.base import Every, OnEvent, OnQueue


def _declared(*triggers) -> list:
    """The functions the domains declare with one of these triggers."""
    return [function for _, function in function_specs() if isinstance(function.trigger, triggers)]


def _dlq_alarm_queues(synth) -> set[str]:
    queues = set()
    for alarm in synth.resources("AWS::CloudWatch::Alarm").values():
        props = alarm["Properties"]
        if props.get("MetricName") == "ApproximateNumberOfMessagesVisible":
            assert props["ComparisonOperator"] == "GreaterThanThreshold"
            assert props["Threshold"] == 0
            assert props["AlarmActions"], "alarms notify the alarm topic"
            (dimension,) = props["Dimensions"]
            queues.add(synth.watched(dimension["Value"]))
    return queues


def _processors(synth) -> set[str]:
    """Stream consumers that are not outboxes (their failures go to a dead-letter queue), by function id."""
    return {synth.function_by_handler(handler)[0] for handler in ("payments.handlers.webhook_processor.handler", "channels.handlers.normalizer.handler")}


def test_stream_mappings_are_bounded_and_park_what_fails_whole_in_the_alarmed_bucket(synth):
    streams = {k: v for k, v in synth.resources("AWS::Lambda::EventSourceMapping").items() if "StartingPosition" in v["Properties"]}
    mappings = {k: v for k, v in streams.items() if v["Properties"]["FunctionName"]["Ref"] not in _processors(synth)}
    assert len(mappings) == len(table_domains())  # one outbox per table
    (bucket,) = synth.resources("AWS::S3::Bucket", "stateful").values()
    name_parts = json.dumps(bucket["Properties"]["BucketName"])
    (alarm,) = [a["Properties"] for a in synth.resources("AWS::CloudWatch::Alarm").values() if a["Properties"].get("Namespace") == "AWS/S3"]
    assert (alarm["MetricName"], alarm["Threshold"], alarm["ComparisonOperator"]) == ("PutRequests", 0, "GreaterThanThreshold")
    assert {d["Name"] for d in alarm["Dimensions"]} == {"BucketName", "FilterId"} and alarm["AlarmActions"]
    assert {"Id": "parked"} in bucket["Properties"]["MetricsConfigurations"]
    for name, mapping in mappings.items():
        props = mapping["Properties"]
        assert props["StartingPosition"] == "TRIM_HORIZON", name
        assert props["BatchSize"] == 100, name
        assert props["BisectBatchOnFunctionError"] is True, name
        assert 0 <= props["MaximumRetryAttempts"] <= 10, name
        assert 0 < props["MaximumRecordAgeInSeconds"] <= 6 * 3600, name
        assert props["FunctionResponseTypes"] == ["ReportBatchItemFailures"], name
        destination = json.dumps(props["DestinationConfig"]["OnFailure"]["Destination"])
        if mapping["Properties"]["FunctionName"]["Ref"] in _processors(synth):  # its items keep their state: an alarmed DLQ of pointers
            assert "StreamDlq" in destination and destination.split('"')[3] in _dlq_alarm_queues(synth), name
            continue
        assert ':s3:::omni-' in destination and "-parked-" in destination and "-parked-" in name_parts, f"{name}: not the parked bucket"


def test_the_parked_batches_bucket_is_encrypted_private_tls_only_and_expires(synth):
    (bucket_id, bucket) = next(iter(synth.resources("AWS::S3::Bucket", "stateful").items()))
    props = bucket["Properties"]
    (rule,) = props["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert rule["ServerSideEncryptionByDefault"]["SSEAlgorithm"] == "aws:kms" and rule["BucketKeyEnabled"] is True
    assert rule["ServerSideEncryptionByDefault"]["KMSMasterKeyID"]["Fn::GetAtt"][0].startswith("Key")
    assert props["PublicAccessBlockConfiguration"] == {key: True for key in ("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets")}
    assert [r["ExpirationInDays"] for r in props["LifecycleConfiguration"]["Rules"]] == [14]
    (policy,) = [p for p in synth.resources("AWS::S3::BucketPolicy", "stateful").values() if p["Properties"]["Bucket"] == {"Ref": bucket_id}]
    assert '"aws:SecureTransport": "false"' in json.dumps(policy["Properties"]["PolicyDocument"])


def test_the_webhook_processor_sees_only_inbox_inserts_and_dead_letters_what_keeps_failing(synth):
    fn_id, _ = synth.function_by_handler("payments.handlers.webhook_processor.handler")
    (mapping,) = [m["Properties"] for m in synth.resources("AWS::Lambda::EventSourceMapping").values() if m["Properties"]["FunctionName"] == {"Ref": fn_id}]
    assert synth.table_id("payments") in json.dumps(mapping["EventSourceArn"])
    assert (mapping["BisectBatchOnFunctionError"], mapping["FunctionResponseTypes"], mapping["MaximumRetryAttempts"]) == (True, ["ReportBatchItemFailures"], 5)
    (pattern,) = [json.loads(f["Pattern"]) for f in mapping["FilterCriteria"]["Filters"]]
    assert pattern == {"eventName": ["INSERT"], "dynamodb": {"NewImage": {"type": {"S": ["provider_event"]}}}}
    dlq = mapping["DestinationConfig"]["OnFailure"]["Destination"]["Fn::GetAtt"][0]
    assert dlq in _dlq_alarm_queues(synth)


def test_outboxes_consume_their_own_table_stream(dev):
    for domain in table_domains():
        fn_id, _ = dev.function_by_handler(f"{domain}.handlers.outbox.handler")
        (mapping,) = [m for m in dev.resources("AWS::Lambda::EventSourceMapping").values() if m["Properties"]["FunctionName"] == {"Ref": fn_id}]
        assert dev.table_id(domain) in json.dumps(mapping["Properties"]["EventSourceArn"])
        assert "StreamArn" in json.dumps(mapping["Properties"]["EventSourceArn"])


def test_every_rule_target_has_retries_and_an_alarmed_dlq(synth):
    rules = synth.resources("AWS::Events::Rule")
    assert len(rules) == len(_declared(OnEvent, Every))  # one rule per event consumer and schedule
    alarmed = _dlq_alarm_queues(synth)
    for name, rule in rules.items():
        for target in rule["Properties"]["Targets"]:
            policy = target["RetryPolicy"]
            assert 0 < policy["MaximumRetryAttempts"] <= 185, name
            assert 60 <= policy["MaximumEventAgeInSeconds"] <= 86400, name
            queue = target["DeadLetterConfig"]["Arn"]["Fn::GetAtt"][0]
            assert queue in alarmed, f"{name}: no alarm on its DLQ"


def test_every_queue_is_encrypted_tls_only_and_kept_14_days(synth):
    queues = synth.resources("AWS::SQS::Queue")
    # a DLQ per event rule, schedule and stream processor, and a work queue with its DLQ per queue consumer
    assert len(queues) == len(_declared(OnEvent, Every)) + len(_processors(synth)) + 2 * len(_declared(OnQueue))
    policies = [json.dumps(p["Properties"]) for p in synth.resources("AWS::SQS::QueuePolicy").values()]
    for name, queue in queues.items():
        assert "Fn::ImportValue" in json.dumps(queue["Properties"]["KmsMasterKeyId"]), name
        assert queue["Properties"]["MessageRetentionPeriod"] == 14 * 24 * 3600, name
        assert any(name in p and '"aws:SecureTransport": "false"' in p for p in policies), name


def _rule_for(synth, handler):
    fn_id, _ = synth.function_by_handler(handler)
    (rule,) = [r["Properties"] for r in synth.resources("AWS::Events::Rule").values() if any(t["Arn"] == {"Fn::GetAtt": [fn_id, "Arn"]} for t in r["Properties"]["Targets"])]
    return rule


def test_event_consumers_listen_on_the_omni_bus(dev):
    sync = _rule_for(dev, "inventory.handlers.catalog_sync.handler")
    assert sync["EventPattern"] == {"source": ["omni.catalog"], "detail-type": ["ProductChanged"]}
    assert "Fn::ImportValue" in json.dumps(sync["EventBusName"])
    projection = _rule_for(dev, "inventory.handlers.projection.handler")
    assert projection["EventPattern"]["source"] == ["omni.inventory"]
    assert sorted(projection["EventPattern"]["detail-type"]) == sorted(["StockChanged", "LocationChanged", "BufferChanged", "SkuRegistered"])
    channel_sync = _rule_for(dev, "inventory.handlers.channel_sync.handler")
    assert channel_sync["EventPattern"] == {"source": ["omni.channels"], "detail-type": ["ChannelSaleRecorded", "StockReceiptPosted", "ChannelOrderReceived", "StockCountPosted"]}
    assert _rule_for(dev, "inventory.handlers.returns.handler")["EventPattern"] == {"source": ["omni.orders"], "detail-type": ["ReturnReceived"]}
    assert _rule_for(dev, "orders.handlers.payments_sync.handler")["EventPattern"] == {"source": ["omni.payments"], "detail-type": ["OrderPaid", "PaymentFailed", "RefundIssued"]}
    assert _rule_for(dev, "orders.handlers.channel_orders.handler")["EventPattern"] == {"source": ["omni.channels"], "detail-type": ["ChannelOrderReceived", "ChannelOrderCancelled"]}
    assert _rule_for(dev, "orders.handlers.attribution.handler")["EventPattern"] == {"source": ["omni.profiles"], "detail-type": ["OrdersAttributed"]}


def test_hold_sweeper_runs_every_minute(dev):
    sweeper = _rule_for(dev, "inventory.handlers.hold_sweeper.handler")
    assert sweeper["ScheduleExpression"] == "rate(1 minute)"


def test_a_location_change_fans_out_through_a_work_queue_with_an_alarmed_dlq(dev):
    fn_id, fn = dev.function_by_handler("inventory.handlers.location_recompute.handler")
    (mapping,) = [m["Properties"] for m in dev.resources("AWS::Lambda::EventSourceMapping").values() if m["Properties"]["FunctionName"] == {"Ref": fn_id}]
    queue_id = mapping["EventSourceArn"]["Fn::GetAtt"][0]
    queue = dev.resources("AWS::SQS::Queue")[queue_id]["Properties"]
    assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"] and mapping["BatchSize"] == 5
    assert queue["VisibilityTimeout"] == 6 * fn["Properties"]["Timeout"]
    dlq = queue["RedrivePolicy"]["deadLetterTargetArn"]["Fn::GetAtt"][0]
    assert queue["RedrivePolicy"]["maxReceiveCount"] == 5 and dlq in _dlq_alarm_queues(dev)
    sender_id, sender = dev.function_by_handler("inventory.handlers.projection.handler")
    assert queue_id in json.dumps(sender["Properties"]["Environment"]["Variables"]["QUEUE_URLS"])
    sends = [s for s in dev.statements_of(sender_id) if "sqs:SendMessage" in s["Action"]]
    assert sends and all(s["Resource"] == {"Fn::GetAtt": [queue_id, "Arn"]} for s in sends)
