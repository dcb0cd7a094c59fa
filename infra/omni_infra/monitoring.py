"""One alarm topic per stage; every alarm of the app notifies it. Topic and alarms live in their own stack
(`omni-<stage>-alarms`): the functions, API and rules of the stateless stack are close to CloudFormation's
500 resources a stack, and alarms only read metrics of the other stacks (decision 52)."""

from __future__ import annotations

from aws_cdk import Duration, Names, Stack
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as actions
from aws_cdk import aws_kms as kms
from aws_cdk import aws_sns as sns
from constructs import Construct


class Monitoring(Construct):
    """The `omni-<stage>-alarms` topic (KMS-encrypted, TLS only). Subscribe on-call to it."""

    def __init__(self, scope: Construct, id: str, *, prefix: str, key: kms.IKey) -> None:
        super().__init__(scope, id)
        self.topic = sns.Topic(
            self, "Topic", topic_name=f"{prefix}-alarms", master_key=key, enforce_ssl=True
        )
        self._action = actions.SnsAction(self.topic)

    def alarm(
        self,
        scope: Construct,
        id: str,
        metric: cloudwatch.IMetric,
        *,
        description: str,
        threshold: float = 0,
        comparison: cloudwatch.ComparisonOperator = cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluation_periods: int = 1,
    ) -> cloudwatch.Alarm:
        alarm = cloudwatch.Alarm(
            self,
            Names.unique_id(scope) + id,  # in the alarms stack, named after what it watches
            metric=metric,
            threshold=threshold,
            comparison_operator=comparison,
            evaluation_periods=evaluation_periods,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
            alarm_description=description,
        )
        alarm.add_alarm_action(self._action)
        return alarm


FIVE_MINUTES = Duration.minutes(5)
ONE_MINUTE = Duration.minutes(1)


class AlarmsStack(Stack):
    """The stage's alarm topic and every alarm (they depend on the stacks they watch, never the reverse)."""

    def __init__(self, scope: Construct, id: str, *, prefix: str, key: kms.IKey, **kwargs) -> None:
        super().__init__(scope, id, **kwargs)
        self.monitoring = Monitoring(self, "Monitoring", prefix=prefix, key=key)
