"""Profiles: identifiers, profiles, the identity graph (no table yet)."""

from omni_infra.domains.base import DomainData, DomainServices, DomainSpec, api

SPEC = DomainSpec(
    name="profiles",
    functions=(api("profiles.handlers.api.handler"),),
)


class ProfilesData(DomainData):
    spec = SPEC


class ProfilesServices(DomainServices):
    spec = SPEC
