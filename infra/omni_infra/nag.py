"""cdk-nag (AwsSolutions) wiring and every acknowledgement the app makes, each with its reason.

cdk-nag 3 is a CDK policy-validation plugin: synth raises `ValidationFailed` on any finding that is
not acknowledged. Acknowledgements are applied to the narrowest construct that owns the finding
(a function's role, one API method, the user pool), never to a whole stack, and IAM5 findings by
their full id (`AwsSolutions-IAM5[Action::...]`), so a new wildcard still fails synth.
"""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import Acknowledgment, App, Validations
from cdk_nag import AwsSolutionsChecks
from constructs import IConstruct


@dataclass(frozen=True)
class Ack:
    id: str
    reason: str

    def on(self, scope: IConstruct) -> None:
        Validations.of(scope).acknowledge(Acknowledgment(id=self.id, reason=self.reason))


def enable(app: App) -> None:
    Validations.of(app).add_plugins(AwsSolutionsChecks(app))


# --- functions (acknowledged on each function's role) -----------------------------------------

WILDCARD_RESOURCE = Ack(
    "AwsSolutions-IAM5[Resource::*]",
    "Only actions without resource-level permissions use Resource '*': xray:PutTraceSegments and "
    "xray:PutTelemetryRecords (active tracing) and, for stream consumers, dynamodb:ListStreams. "
    "tests/infra checks that no other action is granted on '*'.",
)
KMS_REENCRYPT = Ack(
    "AwsSolutions-IAM5[Action::kms:ReEncrypt*]",
    "Added by the CDK table/queue grants for the one customer-managed key; the statement's resource is "
    "that key's ARN only, not '*'.",
)
KMS_GENERATE_DATA_KEY = Ack(
    "AwsSolutions-IAM5[Action::kms:GenerateDataKey*]",
    "Added by the CDK table/queue grants for the one customer-managed key (GenerateDataKey and "
    "GenerateDataKeyWithoutPlaintext); the statement's resource is that key's ARN only.",
)
PYTHON_RUNTIME = Ack(
    "AwsSolutions-L1",
    "Python 3.13 is pinned on purpose: the dependency layer is built with pip for cp313/arm64 "
    "(make layer) and both must move together; upgrading is a deliberate change of both.",
)



# --- queues ---------------------------------------------------------------------------------

DLQ_WITHOUT_DLQ = Ack(
    "AwsSolutions-SQS3",
    "This queue is itself a dead-letter destination (of an EventBridge target or of a work queue's "
    "redrive policy), not a work queue; it is alarmed on depth and drained by an operator.",
)

# --- buckets --------------------------------------------------------------------------------

PARKED_BATCHES_ACCESS_LOGS = Ack(
    "AwsSolutions-S1",
    "The parked-batches bucket is written only by Lambda's event source mappings (their on-failure "
    "destination) and read by the redrive operation, both with IAM roles whose calls CloudTrail records; "
    "an access-log bucket would add a second bucket to secure for no additional audit trail.",
)

# --- secrets --------------------------------------------------------------------------------

CHANNEL_SECRET_ROTATION = Ack(
    "AwsSolutions-SMG4",
    "A channel's webhook secret is shared with the channel's own server (entered in its admin console), "
    "so a Lambda rotation cannot hand the new value over; it is rotated by an operator with the channel: "
    "the sender signs with old and new secrets at once (several signatures are accepted) until Omni "
    "reads the new value (cached at most 5 minutes).",
)

DOMAIN_SECRET_ROTATION = Ack(
    "AwsSolutions-SMG4",
    "A domain's own secrets are not rotated by a scheduled Lambda. A payment provider's API key and webhook "
    "signing secret are issued by the provider (Stripe's dashboard) and rolled there; an operator puts the new "
    "value in the secret (Omni reads it within 5 minutes), so a rotation has nothing to generate. A hashing key "
    "(gift card codes, profiles' identifier-key) keys every stored hash: rotating it in place would orphan every "
    "issued card and make every known person new; it is rotated by re-keying, an operator's job.",
)

# --- Cognito --------------------------------------------------------------------------------

SHOPPER_MFA = Ack(
    "AwsSolutions-COG2",
    "Shopper pool: MFA is offered (TOTP, optional) rather than required, since forcing MFA on "
    "consumers at checkout loses sales; the Plus feature plan's threat protection challenges or "
    "blocks risky sign-ins instead.",
)

# --- API Gateway ----------------------------------------------------------------------------

API_WAF = Ack(
    "AwsSolutions-APIG3",
    "No WAF web ACL in this increment: every route is authenticated (API key + usage plan "
    "throttling per channel, Cognito, or IAM). A WAFv2 ACL is an account-level decision to be "
    "associated with the stage when the edge is designed.",
)
API_CLOUDWATCH_ROLE = Ack(
    "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
    "AmazonAPIGatewayPushToCloudWatchLogs]",
    "The account-level role API Gateway uses to write execution logs (needed for the stage's "
    "CloudWatch logging, APIG6); AWS maintains this managed policy for exactly this purpose.",
)
CHANNEL_KEY_AUTHORIZATION = Ack(
    "AwsSolutions-APIG4",
    "Channel route: the caller is authenticated by its channel API key (api key required, one "
    "usage plan per channel) and the handler maps the key id to the channel again (kernel.auth).",
)
CHANNEL_KEY_COGNITO = Ack(
    "AwsSolutions-COG4",
    "Channel route: callers are channels identified by API key, not signed-in shoppers; shopper "
    "routes do use the Cognito user pool authorizer.",
)
WEBHOOK_SIGNATURE_AUTHORIZATION = Ack(
    "AwsSolutions-APIG4",
    "Webhook route (POST /v1/webhooks/{channel_id}): channels' servers authenticate by signing each "
    "delivery (HMAC-SHA256 over id, timestamp and body with a per-channel secret in Secrets Manager), "
    "which API Gateway cannot check; the handler verifies it before reading the body and refuses "
    "unsigned, wrongly signed, stale and replayed deliveries. Only webhook routes are open (tests/infra).",
)
WEBHOOK_SIGNATURE_COGNITO = Ack(
    "AwsSolutions-COG4",
    "Webhook route: the callers are channels' servers (POS, warehouse, marketplace), not signed-in "
    "shoppers; each delivery carries an HMAC signature the handler verifies with the channel's secret.",
)
OPERATOR_IAM_COGNITO = Ack(
    "AwsSolutions-COG4",
    "Operator route: authorized with AWS IAM (SigV4) for staff and integrations, which is stronger "
    "than a user pool token for back-office calls.",
)
