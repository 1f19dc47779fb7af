package dev.s3seal.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaPackage;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.jspecify.annotations.NullMarked;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package rules of docs/architecture.md, checked on the compiled classes: the crypto core is
 * pure Java, request authentication knows no web framework, nothing but the wiring reaches into the
 * web layer, and no two packages or two classes of one package depend on each other in a circle.
 */
class ArchitectureTest {

    /** Package trees whose nullness is declared (JSpecify); docs/architecture.md. */
    private static final List<String> NULL_MARKED_TREES = List.of(
            "dev.s3seal.crypto",
            "dev.s3seal.auth",
            "dev.s3seal.s3",
            "dev.s3seal.policy",
            "dev.s3seal.keys",
            "dev.s3seal.stream",
            "dev.s3seal.upstream",
            "dev.s3seal.limits");

    private static JavaClasses classes;

    @BeforeAll
    static void importMainClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.s3seal");
    }

    @Test
    void cryptoIsPureJava() {
        noClasses()
                .that()
                .resideInAPackage("dev.s3seal.crypto..")
                .should()
                .dependOnClassesThat()
                .resideOutsideOfPackages(
                        "dev.s3seal.crypto..", "java..", "javax..", "org.bouncycastle..", "org.jspecify..")
                .because("the format and its ciphers are a pure core: no I/O framework, no other s3seal package")
                .check(classes);
    }

    @Test
    void authenticationKnowsNoWebFramework() {
        noClasses()
                .that()
                .resideInAPackage("dev.s3seal.auth..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("org.springframework..", "io.netty..", "reactor.netty..")
                .because("SigV4 verification is pure Java, testable without a server")
                .check(classes);
    }

    @Test
    void onlyTheWiringUsesTheWebLayer() {
        classes()
                .that()
                .resideInAPackage("dev.s3seal.web..")
                .should()
                .onlyHaveDependentClassesThat()
                .resideInAnyPackage("dev.s3seal.web..", "dev.s3seal.config..")
                .check(classes);
    }

    /**
     * The pure layers say on every public API what may be null (JSpecify): each of their packages is
     * {@code @NullMarked} in its package-info, so a parameter or a result is non-null unless it is
     * {@code @Nullable}.
     */
    @Test
    void pureLayersAreNullMarked() {
        List<String> unmarked = new ArrayList<>();
        for (String root : NULL_MARKED_TREES) {
            JavaPackage tree = classes.getPackage(root);
            Set<JavaPackage> packages = new TreeSet<>(Comparator.comparing(JavaPackage::getName));
            packages.add(tree);
            packages.addAll(tree.getSubpackagesInTree());
            for (JavaPackage javaPackage : packages) {
                if (!javaPackage.getClasses().isEmpty() && !javaPackage.isAnnotatedWith(NullMarked.class)) {
                    unmarked.add(javaPackage.getName());
                }
            }
        }
        assertThat(unmarked)
                .as("packages of the pure layers without @NullMarked in their package-info")
                .isEmpty();
    }

    @Test
    void noPackageCycles() {
        slices().matching("dev.s3seal.(**)").should().beFreeOfCycles().check(classes);
    }

    @Test
    void noClassCyclesInsideAPackage() {
        Map<String, Set<String>> edges = new TreeMap<>();
        for (JavaClass javaClass : classes) {
            String from = topLevel(javaClass).getName();
            Set<String> targets = edges.computeIfAbsent(from, name -> new TreeSet<>());
            for (Dependency dependency : javaClass.getDirectDependenciesFromSelf()) {
                JavaClass target = dependency.getTargetClass();
                if (target.getPackageName().equals(javaClass.getPackageName())
                        && target.getName().startsWith("dev.s3seal.")) {
                    String to = topLevel(target).getName();
                    if (!to.equals(from)) {
                        targets.add(to);
                    }
                }
            }
        }
        assertThat(cycles(edges))
                .as("classes of one package that depend on each other in a circle")
                .isEmpty();
    }

    private static JavaClass topLevel(JavaClass javaClass) {
        JavaClass current = javaClass;
        while (current.getEnclosingClass().isPresent()) {
            current = current.getEnclosingClass().get();
        }
        return current;
    }

    /** Strongly connected components of more than one class (Tarjan). */
    private static List<Set<String>> cycles(Map<String, Set<String>> edges) {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new TreeSet<>();
        List<Set<String>> found = new ArrayList<>();
        for (String start : edges.keySet()) {
            if (!index.containsKey(start)) {
                connect(start, edges, index, low, stack, onStack, found);
            }
        }
        return found;
    }

    private static void connect(
            String node,
            Map<String, Set<String>> edges,
            Map<String, Integer> index,
            Map<String, Integer> low,
            Deque<String> stack,
            Set<String> onStack,
            List<Set<String>> found) {
        index.put(node, index.size());
        low.put(node, index.get(node));
        stack.push(node);
        onStack.add(node);
        for (String next : edges.getOrDefault(node, Set.of())) {
            if (!index.containsKey(next)) {
                connect(next, edges, index, low, stack, onStack, found);
                low.put(node, Math.min(low.get(node), low.get(next)));
            } else if (onStack.contains(next)) {
                low.put(node, Math.min(low.get(node), index.get(next)));
            }
        }
        if (low.get(node).equals(index.get(node))) {
            Set<String> component = new TreeSet<>();
            String member;
            do {
                member = stack.pop();
                onStack.remove(member);
                component.add(member);
            } while (!member.equals(node));
            if (component.size() > 1) {
                found.add(component);
            }
        }
    }
}
