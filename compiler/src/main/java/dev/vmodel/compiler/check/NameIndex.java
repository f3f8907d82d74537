package dev.vmodel.compiler.check;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@link Suggest#closest} for a model's many names, with the same answer: candidates within
 * the allowed distance (at most 2) share a string obtained by deleting at most that many
 * characters from each (symmetric deletion), so only those are measured. With 10^4
 * declarations and as many undeclared names, measuring every pair took minutes.
 */
final class NameIndex {
  /** Below this many names the plain scan is as fast. */
  private static final int SMALL = 200;

  private final List<String> names;
  private Map<String, List<Integer>> byDeletion;

  NameIndex(Collection<String> names) {
    this.names = List.copyOf(names);
  }

  /** The closest of the indexed names and then {@code extra}, as Suggest.closest would pick. */
  Optional<String> closest(String name, Collection<String> extra) {
    if (names.size() < SMALL) {
      List<String> all = new ArrayList<>(names);
      all.addAll(extra);
      return Suggest.closest(name, all);
    }
    if (byDeletion == null) {
      byDeletion = new HashMap<>();
      for (int i = 0; i < names.size(); i++) {
        for (String v : deletions(names.get(i).toLowerCase(Locale.ROOT), 2)) {
          byDeletion.computeIfAbsent(v, k -> new ArrayList<>()).add(i);
        }
      }
    }
    int allowed = Suggest.allowed(name);
    String q = name.toLowerCase(Locale.ROOT);
    Set<Integer> near = new TreeSet<>();
    for (String v : deletions(q, allowed)) {
      near.addAll(byDeletion.getOrDefault(v, List.of()));
    }
    List<String> candidates = new ArrayList<>();
    near.forEach(i -> candidates.add(names.get(i)));
    candidates.addAll(extra);
    return Suggest.closest(name, candidates);
  }

  /** The string and every string made by deleting up to {@code k} of its characters. */
  private static Set<String> deletions(String s, int k) {
    Set<String> out = new HashSet<>();
    out.add(s);
    Set<String> frontier = Set.of(s);
    for (int round = 0; round < k; round++) {
      Set<String> next = new HashSet<>();
      for (String f : frontier) {
        for (int i = 0; i < f.length(); i++) {
          String d = f.substring(0, i) + f.substring(i + 1);
          if (out.add(d)) {
            next.add(d);
          }
        }
      }
      frontier = next;
    }
    return out;
  }
}
