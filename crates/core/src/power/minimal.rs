//! Listing the minimal winning coalitions.
//!
//! They are what negotiators actually look for (the cheapest ways to
//! pass a motion), but there can be exponentially many, so the search
//! stops once it has found more than the caller's limit.
//!
//! The search adds the non-veto players in order of decreasing weight, on
//! top of the veto players. Along such a path the player just added is the
//! lightest member, and a winning coalition is minimal iff dropping its
//! lightest non-veto member makes it lose. So the coalitions found at the
//! first moment the running weight reaches the quota are exactly the
//! minimal winning ones, each met once. Branches that cannot reach the
//! quota even with every remaining player are cut, so every branch explored
//! ends in at least one coalition: the work is proportional to the output.

/// See [`super::WeightedGame::minimal_winning`]. Preconditions as for a
/// valid game: vetoes sorted, distinct and in range.
pub(super) fn minimal_winning(
    weights: &[u64],
    quota: u64,
    vetoes: &[usize],
    limit: usize,
) -> Option<Vec<Vec<usize>>> {
    let veto_weight: u64 = vetoes.iter().map(|&i| weights[i]).sum();
    if veto_weight >= quota {
        // Every winning coalition contains the vetoes, which already win.
        return (limit >= 1).then(|| vec![vetoes.to_vec()]);
    }
    let mut order: Vec<usize> = (0..weights.len())
        .filter(|i| vetoes.binary_search(i).is_err())
        .collect();
    // Stable sort: ties stay in index order, so the output is deterministic.
    order.sort_by(|&a, &b| weights[b].cmp(&weights[a]));
    // remaining[p]: weight of order[p..], to cut hopeless branches.
    let mut remaining = vec![0u64; order.len() + 1];
    for p in (0..order.len()).rev() {
        remaining[p] = remaining[p + 1] + weights[order[p]];
    }

    let mut search = Search {
        weights,
        quota,
        order: &order,
        remaining: &remaining,
        limit,
        members: vetoes.to_vec(),
        found: Vec::new(),
    };
    if !search.extend(0, veto_weight) {
        return None;
    }
    let mut found = search.found;
    for coalition in &mut found {
        coalition.sort_unstable();
    }
    found.sort();
    Some(found)
}

struct Search<'a> {
    weights: &'a [u64],
    quota: u64,
    order: &'a [usize],
    remaining: &'a [u64],
    limit: usize,
    members: Vec<usize>,
    found: Vec<Vec<usize>>,
}

impl Search<'_> {
    /// Explores the coalitions made of the current members plus some of
    /// `order[from..]`, with `weight < quota` so far. Returns `false` as
    /// soon as more than `limit` coalitions are found.
    fn extend(&mut self, from: usize, weight: u64) -> bool {
        if weight + self.remaining[from] < self.quota {
            return true;
        }
        for p in from..self.order.len() {
            if weight + self.remaining[p] < self.quota {
                // Later players are lighter still: nothing left to find.
                break;
            }
            let player = self.order[p];
            let with = weight + self.weights[player];
            self.members.push(player);
            let keep_going = if with >= self.quota {
                if self.found.len() == self.limit {
                    false
                } else {
                    self.found.push(self.members.clone());
                    true
                }
            } else {
                self.extend(p + 1, with)
            };
            self.members.pop();
            if !keep_going {
                return false;
            }
        }
        true
    }
}
