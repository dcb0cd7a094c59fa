"""The ways a function is triggered besides the API, each with its dead-letter destination and alarm.

Every domain uses these and only these, so retries, ages and DLQs are the same everywhere:
- `stream_consumer`: a DynamoDB stream mapping (partial batch failures, bisect, bounded retries/age),
  parking what still fails in S3 for a redrive;
- `event_consumer`: an EventBridge rule on the omni bus;
- `scheduled`: a rate rule on the default bus (schedules only exist there);
- `queue_consumer`: the function's own work queue (partial batch failures, a DLQ after 5 receives).
"""

from __future__ import annotations

from aws_cdk import Duration
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as sources
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from omni_infra import nag
from omni_infra.function import OmniFunction
from omni_infra.monitoring import ONE_MINUTE
from omni_infra.parking import ParkIn, parked_objects_ack

DLQ_RETENTION = Duration.days(14)

STREAM_BATCH_SIZE = 100
STREAM_RETRY_ATTEMPTS = 5
STREAM_MAX_RECORD_AGE = Duration.hours(1)

QUEUE_MAX_RECEIVES = 5

EVENT_RETRY_ATTEMPTS = 8
EVENT_MAX_AGE = Duration.hours(2)


def _queue(scope: Construct, fn: OmniFunction, **options) -> sqs.Queue:
    """Every Omni queue: encrypted with the platform key, TLS only, kept 14 days."""
    return sqs.Queue(
        scope,
        "Resource",
        encryption=sqs.QueueEncryption.KMS,
        encryption_master_key=fn.platform.key,
        enforce_ssl=True,
        retention_period=DLQ_RETENTION,
        removal_policy=fn.platform.config.removal_policy,
        **options,
    )


class DeadLetterQueue(Construct):
    """A KMS-encrypted, TLS-only queue kept 14 days, with an alarm as soon as it holds a message."""

    def __init__(self, fn: OmniFunction, id: str, *, what: str) -> None:
        super().__init__(fn, id)
        platform = fn.platform
        self.queue = _queue(self, fn)
        nag.DLQ_WITHOUT_DLQ.on(self.queue)
        self.alarm = platform.monitoring.alarm(
            self,
            "DepthAlarm",
            self.queue.metric_approximate_number_of_messages_visible(period=ONE_MINUTE, statistic="Maximum"),
            description=f"{what} of {fn.handler} could not be delivered: see the dead-letter queue",
        )


def stream_consumer(table: dynamodb.ITable, fn: OmniFunction, *, park: bool = True) -> None:
    """Feed `table`'s stream to `fn`; a batch that still fails after retries is parked whole in S3
    (records included, unlike an SQS or SNS on-failure record), so its events can be republished; or,
    with `park=False`, only its shard and sequence numbers go to an alarmed dead-letter queue."""
    on_failure = ParkIn(fn.platform.parked) if park else sources.SqsDlq(DeadLetterQueue(fn, "StreamDlq", what="Stream batches").queue)
    fn.function.add_event_source(
        sources.DynamoEventSource(
            table,
            starting_position=lambda_.StartingPosition.TRIM_HORIZON,
            batch_size=STREAM_BATCH_SIZE,
            bisect_batch_on_error=True,
            retry_attempts=STREAM_RETRY_ATTEMPTS,
            max_record_age=STREAM_MAX_RECORD_AGE,
            report_batch_item_failures=True,
            on_failure=on_failure,
        )
    )
    fn.kms_grant_used()  # stream read (KMS decrypt) and parking (KMS encrypt) grants
    if park:
        parked_objects_ack(fn.platform.config).on(fn.role)


def event_consumer(fn: OmniFunction, pattern: events.EventPattern) -> DeadLetterQueue:
    """Deliver the omni bus's events matching `pattern` to `fn`."""
    dlq = DeadLetterQueue(fn, "EventsDlq", what="Events")
    events.Rule(
        fn,
        "Rule",
        event_bus=fn.platform.bus,
        event_pattern=pattern,
        description=f"omni bus -> {fn.handler}",
        targets=[_target(fn, dlq)],
    )
    return dlq


def scheduled(fn: OmniFunction, rate: Duration) -> DeadLetterQueue:
    """Invoke `fn` every `rate`."""
    dlq = DeadLetterQueue(fn, "ScheduleDlq", what="Scheduled invocations")
    events.Rule(
        fn,
        "Schedule",
        schedule=events.Schedule.rate(rate),
        description=f"every {rate.to_human_string()} -> {fn.handler}",
        targets=[_target(fn, dlq)],
    )
    return dlq


class WorkQueue(Construct):
    """A KMS-encrypted, TLS-only queue consumed by one function, with its own alarmed dead-letter queue."""

    def __init__(self, fn: OmniFunction, id: str) -> None:
        super().__init__(fn, id)
        self.dlq = DeadLetterQueue(fn, "QueueDlq", what="Queued work")
        self.queue = _queue(
            self,
            fn,
            # Lambda's advice: six times the function's timeout, so a message is not redelivered while
            # a batch of it is still running (or waiting for a throttled retry).
            visibility_timeout=Duration.seconds(6 * fn.function.timeout.to_seconds()),
            dead_letter_queue=sqs.DeadLetterQueue(queue=self.dlq.queue, max_receive_count=QUEUE_MAX_RECEIVES),
        )


def queue_consumer(fn: OmniFunction, *, batch_size: int) -> WorkQueue:
    """Feed `fn` its own work queue; a message that fails 5 times goes to the DLQ."""
    work = WorkQueue(fn, "WorkQueue")
    fn.function.add_event_source(sources.SqsEventSource(work.queue, batch_size=batch_size, report_batch_item_failures=True))
    fn.kms_grant_used()  # receive (KMS decrypt) grants
    return work


def _target(fn: OmniFunction, dlq: DeadLetterQueue) -> targets.LambdaFunction:
    return targets.LambdaFunction(
        fn.function,
        dead_letter_queue=dlq.queue,
        retry_attempts=EVENT_RETRY_ATTEMPTS,
        max_event_age=EVENT_MAX_AGE,
    )
