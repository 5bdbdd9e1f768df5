-- Prelude of the Argo CD health checks for the roadmap.dev kinds (see docs/argocd-health.md).
--
-- Argo CD runs each check as one script, so hack/gen-argocd-cm.sh puts this file in front of every
-- <Kind>/health.lua of this group in argocd-cm. It defines, for the script that follows:
--   hs                             the table the script returns
--   tbl, str, num                  a field of the expected type, else an empty table, "" or 0
--   first(...)                     the first non-empty string of its arguments, else ""
--   condition(conditions, type)    the condition of that type, else nil; isTrue(c): c.status is "True"
--   waiting                        "Waiting for the controller"
--   o, metadata, status            obj, its metadata and its status, as tables
--   ready, readyMessage, stalled   the Ready condition and its message, the Stalled condition (or nil)
-- and returns Progressing "Waiting for the controller" itself while the controller has not evaluated the current
-- generation: no status, no Ready condition, or status.observedGeneration < metadata.generation.
--
-- The operator's verdict is read, never re-derived from reasons: Stalled=True is broken, whatever the reason (the
-- kubectl plugin and kstatus read the same condition).
-- Argo CD runs the checks without Lua's string and math libraries; missing fields must never raise an
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
