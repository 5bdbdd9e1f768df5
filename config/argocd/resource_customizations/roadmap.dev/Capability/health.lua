-- Argo CD health check for roadmap.dev/v1alpha1 Capability (see docs/argocd-health.md).
-- It runs after ../prelude.lua, which defines the helpers and locals used here and answers for an object the
-- controller has not evaluated yet.
--
--   no status, no Ready condition, or
--   status.observedGeneration < metadata.generation  -> Progressing "Waiting for the controller" (prelude)
--   Stalled=True (PrerequisiteNotFound, DependencyCycle,
--     or a check whose object Failed, whose kind is
--     not served or may not be read: a person must
--     act)                                             -> Degraded, Ready condition's message
--   phase Ready                                        -> Healthy, Ready message
--   phase Planned (NotAvailable), or Blocked waiting
--     on prerequisites or checks (PrerequisiteNotReady,
--     ChecksFailing; kstatus Reconciling=True)        -> Suspended, Ready message
--   phase Retired                                      -> Suspended, Ready message ("capability is Retired")

if isTrue(stalled) then
  hs.status = "Degraded"
  hs.message = first(readyMessage, stalled and stalled.message, status.summary, "capability is Blocked")
  return hs
end

local phase = str(status.phase)
if phase == "Ready" then
  hs.status = "Healthy"
  hs.message = first(readyMessage, "capability is Ready")
  return hs
end

if phase == "Planned" or phase == "Blocked" then
  hs.status = "Suspended"
  hs.message = first(readyMessage, status.summary, "capability is " .. phase)
  return hs
end

if phase == "Retired" then
  hs.status = "Suspended"
  hs.message = first(readyMessage, "capability is Retired")
  return hs
end

hs.status = "Progressing"
hs.message = waiting
return hs
