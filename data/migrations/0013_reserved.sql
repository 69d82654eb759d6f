-- Reserved: version 13 is another branch's migration. This file only keeps
-- the numbers contiguous on this branch, so that 0015 can be tested here; it
-- is deleted when the branch that owns version 13 is merged.
SELECT 1;
