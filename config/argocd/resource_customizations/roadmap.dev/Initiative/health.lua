-- Argo CD health check for roadmap.dev/v1alpha1 Initiative (see docs/argocd-health.md).
-- It runs after ../prelude.lua, which defines the helpers and locals used here and answers for an object the
-- controller has not evaluated yet.
--
--   no status, no Ready condition, or
--   status.observedGeneration < metadata.generation  -> Progressing "Waiting for the controller" (prelude)
--   Stalled=True (CapabilityNotFound that no initiative
--     provides, InitiativeNotFound, DependencyCycle:
--     the spec is broken)                              -> Degraded, Ready condition's message
--   Ready reason CapabilityNotFound with Reconciling=True
--     (the capability is not declared yet, but an
--     initiative provides it, or the grace period for
--     it to appear is not over: expected)              -> Progressing, Ready message
--   phase Ready or Done                                -> Healthy, status.summary, else Ready message
--   phase Blocked (waiting: CapabilityNotReady,
--     InitiativeNotDone; kstatus Reconciling=True)     -> Suspended, Ready message
--     ... with annotation roadmap.dev/gate-sync-waves: "true"
--                                                      -> Progressing, Ready message
--   phase Cancelled                                    -> Suspended, Ready message ("initiative is Cancelled")
--
-- Argo CD finishes a sync wave only when its resources are Healthy (or Degraded, which fails the sync), so a
-- Blocked initiative holds the later waves of its Application either way; the annotation makes it read as
-- Progressing (expected to turn Ready: the Application is converging) rather than Suspended (parked on
-- someone else's work). A CapabilityNotFound the operator waits for (Reconciling=True, not Stalled: an initiative
-- provides the capability, or its grace period is not over) reads as Progressing, so that it does not hold a
-- team's sync as Suspended.

local reconciling = condition(status.conditions, "Reconciling")
if not isTrue(stalled) and isTrue(reconciling) and ready.status == "False" and str(ready.reason) == "CapabilityNotFound" then
  hs.status = "Progressing"
  hs.message = first(readyMessage, status.summary, "initiative is Blocked")
  return hs
end
if isTrue(stalled) then
  hs.status = "Degraded"
  hs.message = first(readyMessage, stalled and stalled.message, status.summary, "initiative is Blocked")
  return hs
end

local phase = str(status.phase)
if phase == "Ready" or phase == "Done" then
  hs.status = "Healthy"
  hs.message = first(status.summary, readyMessage, "initiative is " .. phase)
  return hs
end

if phase == "Blocked" then
  hs.status = "Suspended"
  if tbl(metadata.annotations)["roadmap.dev/gate-sync-waves"] == "true" then
    hs.status = "Progressing"
  end
  hs.message = first(readyMessage, status.summary, "initiative is Blocked")
  return hs
end

if phase == "Cancelled" then
  hs.status = "Suspended"
  hs.message = first(readyMessage, "initiative is Cancelled")
  return hs
end

hs.status = "Progressing"
hs.message = waiting
return hs
