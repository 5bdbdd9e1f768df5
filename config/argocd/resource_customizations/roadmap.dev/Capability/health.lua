-- Argo CD health check for roadmap.dev/v1alpha1 Capability (see docs/argocd-health.md).
--
--   no status, no Ready condition, or
--   status.observedGeneration < metadata.generation  -> Progressing "Waiting for the controller"
--   Stalled=True (PrerequisiteNotFound, DependencyCycle,
--     or a check whose object Failed, whose kind is
--     not served or may not be read: a person must
--     act)                                             -> Degraded, Ready condition's message
--   phase Ready                                        -> Healthy, Ready message
--   phase Planned (NotAvailable), or Blocked waiting
--     on prerequisites or checks (PrerequisiteNotReady,
--     ChecksFailing; kstatus Reconciling=True)        -> Suspended, Ready message
--   phase Retired                                      -> Suspended, Ready message ("capability is Retired")
--
-- The operator's verdict is read, never re-derived from reasons: Stalled=True is broken, whatever the reason (the
-- kubectl plugin and kstatus read the same condition).
-- Argo CD runs this script without Lua's string and math libraries; missing fields must never raise an
-- error (Argo CD would show Unknown), so every field is read defensively.

local hs = {}

local function tbl(v)
  if type(v) == "table" then
    return v
  end
  return {}
end

local function str(v)
  if type(v) == "string" then
    return v
  end
  return ""
end

local function num(v)
  if type(v) == "number" then
    return v
  end
  return 0
end

local function first(...)
  for i = 1, select("#", ...) do
    local v = select(i, ...)
    if type(v) == "string" and v ~= "" then
      return v
    end
  end
  return ""
end

local function condition(conditions, conditionType)
  for _, c in ipairs(tbl(conditions)) do
    if type(c) == "table" and c.type == conditionType then
      return c
    end
  end
  return nil
end

local function isTrue(c)
  return c ~= nil and c.status == "True"
end

local waiting = "Waiting for the controller"

local o = tbl(obj)
local metadata = tbl(o.metadata)
local status = o.status
if type(status) ~= "table" then
  hs.status = "Progressing"
  hs.message = waiting
  return hs
end

local ready = condition(status.conditions, "Ready")
if ready == nil or num(status.observedGeneration) < num(metadata.generation) then
  hs.status = "Progressing"
  hs.message = waiting
  return hs
end
local readyMessage = str(ready.message)

local stalled = condition(status.conditions, "Stalled")
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
