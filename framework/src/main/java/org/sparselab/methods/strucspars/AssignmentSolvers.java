package org.sparselab.methods.strucspars;

import java.util.List;

/**
 * The assignment solvers by their {@code assignmentSolver} name: {@code hungarian} and {@code lapjv}.
 *
 * <p>StrucSpars' options table lists the exact solvers as interchangeable ({@code docs/methods/strucspars.md} §5);
 * {@code auction} is not implemented yet.
 */
public final class AssignmentSolvers {
    /** The registered names, in the order they are listed in error messages. */
    public static final List<String> NAMES = List.of("hungarian", "lapjv");

    private AssignmentSolvers() {}

    /** Returns the solver called {@code name}; an unknown name is an IllegalArgumentException listing the names. */
    public static AssignmentSolver named(String name) {
        if (name != null) {
            switch (name) {
                case "hungarian":
                    return new HungarianSolver();
                case "lapjv":
                    return new JonkerVolgenantSolver();
                default:
                    break;
            }
        }
        throw new IllegalArgumentException(
                "unknown assignment solver '" + name + "'; known solvers: " + String.join(", ", NAMES));
    }
}
