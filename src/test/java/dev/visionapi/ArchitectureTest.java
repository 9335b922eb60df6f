package dev.visionapi;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import java.lang.annotation.Annotation;
import java.lang.reflect.AccessibleObject;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaAccess;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import software.amazon.awssdk.annotations.SdkInternalApi;
import software.amazon.awssdk.annotations.SdkProtectedApi;

/**
 * The project's ground rules, checked on the production classes: public APIs of the frameworks only, no reflection
 * into them, and the packages' layering ({@code api} → {@code ops}, {@code jobs} → {@code analysis} → {@code cache} →
 * {@code image}, {@code bedrock}, {@code sources} → {@code aws}, {@code problem}, {@code config}) without cycles. Each rule is a test of its own, so
 * that each failure shows.
 */
class ArchitectureTest {

    /** The production classes only: tests may reach into what they check. */
    private static JavaClasses classes;

    private static final String[] FRAMEWORK_INTERNALS = {
        "io.vertx..impl..", "io.vertx..internal..",
        "io.netty..impl..", "io.netty..internal..",
        "io.quarkus..impl..", "io.quarkus..internal..",
        "io.smallrye..impl..", "io.smallrye..internal..",
        "software.amazon.awssdk..impl..", "software.amazon.awssdk..internal.."};

    private static final String EMULATOR = "dev.visionapi.bedrock.emulator..";

    @BeforeAll
    static void importProductionClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.visionapi");
    }

    @Test
    void noFrameworkInternals() {
        check(noClasses()
                .should().dependOnClassesThat().resideInAnyPackage(FRAMEWORK_INTERNALS)
                .as("no class depends on impl or internal packages of Vert.x, Netty, Quarkus, SmallRye or the AWS SDK"));
    }

    @Test
    void noSdkInternalOrProtectedTypes() {
        check(noClasses()
                .should().dependOnClassesThat().areAnnotatedWith(SdkInternalApi.class)
                .orShould().dependOnClassesThat().areAnnotatedWith(SdkProtectedApi.class)
                .as("no class depends on AWS SDK types marked @SdkInternalApi or @SdkProtectedApi"));
    }

    @Test
    void noSdkInternalOrProtectedMembers() {
        check(noClasses()
                .should().accessTargetWhere(targetAnnotatedWith(SdkInternalApi.class))
                .orShould().accessTargetWhere(targetAnnotatedWith(SdkProtectedApi.class))
                .as("no class uses AWS SDK members marked @SdkInternalApi or @SdkProtectedApi"));
    }

    @Test
    void noUnsafe() {
        check(noClasses()
                .should().dependOnClassesThat().haveFullyQualifiedName("sun.misc.Unsafe")
                .orShould().dependOnClassesThat().resideInAPackage("jdk.internal..")
                .as("no class uses sun.misc.Unsafe or JDK internals"));
    }

    @Test
    void noReflectiveAccess() {
        check(noClasses()
                .should().callMethodWhere(named(AccessibleObject.class, "setAccessible"))
                .orShould().callMethodWhere(named(AccessibleObject.class, "trySetAccessible"))
                .orShould().callMethodWhere(declaredLookupOnClass())
                .orShould().callMethod(Class.class, "forName", String.class)
                .as("no class opens up other classes by reflection (setAccessible, Class.getDeclared*, Class.forName)"));
    }

    @Test
    void problemAndConfigAreAtTheBottom() {
        check(noClasses()
                .that().resideInAnyPackage("dev.visionapi.problem..", "dev.visionapi.config..")
                .should().dependOnClassesThat(resideInAPackage("dev.visionapi..")
                        .and(not(resideInAnyPackage("dev.visionapi.problem..", "dev.visionapi.config.."))))
                .as("problem and config depend on no other package of the service"));
    }

    @Test
    void awsIsAtTheBottom() {
        check(noClasses()
                .that().resideInAPackage("dev.visionapi.aws..")
                .should().dependOnClassesThat(resideInAPackage("dev.visionapi..")
                        .and(not(resideInAPackage("dev.visionapi.aws.."))))
                .as("aws, the SDK clients' shared set-up, depends on no other package of the service"));
    }

    @Test
    void imageAndBedrockDoNotReachUp() {
        check(noClasses()
                .that().resideInAnyPackage("dev.visionapi.image..", "dev.visionapi.bedrock..")
                .and().resideOutsideOfPackage(EMULATOR)
                .should().dependOnClassesThat()
                .resideInAnyPackage("dev.visionapi.analysis..", "dev.visionapi.api..", "dev.visionapi.ops..",
                        "dev.visionapi.jobs..", "dev.visionapi.cache..")
                .as("image and bedrock do not depend on analysis, jobs, api, ops or cache"));
    }

    @Test
    void cacheSitsBelowAnalysis() {
        check(noClasses()
                .that().resideInAPackage("dev.visionapi.cache..")
                .should().dependOnClassesThat(resideInAPackage("dev.visionapi..")
                        .and(not(resideInAnyPackage("dev.visionapi.cache..", "dev.visionapi.bedrock..",
                                "dev.visionapi.image..", "dev.visionapi.problem..", "dev.visionapi.config.."))))
                .as("cache (the result cache) depends on no package of the service but bedrock, image, problem and "
                        + "config"));
    }

    @Test
    void sourcesUseOnlyTheLowerLayers() {
        check(noClasses()
                .that().resideInAPackage("dev.visionapi.sources..")
                .should().dependOnClassesThat(resideInAPackage("dev.visionapi..")
                        .and(not(resideInAnyPackage("dev.visionapi.sources..", "dev.visionapi.image..",
                                "dev.visionapi.aws..", "dev.visionapi.problem..", "dev.visionapi.config.."))))
                .as("sources depend on no package of the service but image, aws, problem and config"));
    }

    @Test
    void analysisDoesNotReachUp() {
        check(noClasses()
                .that().resideInAPackage("dev.visionapi.analysis..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.visionapi.api..", "dev.visionapi.ops..",
                        "dev.visionapi.jobs..")
                .as("analysis does not depend on api, ops or jobs"));
    }

    @Test
    void jobsUseOnlyTheLayersBelow() {
        check(noClasses()
                .that().resideInAPackage("dev.visionapi.jobs..")
                .should().dependOnClassesThat(resideInAPackage("dev.visionapi..")
                        .and(not(resideInAnyPackage("dev.visionapi.jobs..", "dev.visionapi.analysis..",
                                "dev.visionapi.sources..", "dev.visionapi.bedrock..", "dev.visionapi.image..",
                                "dev.visionapi.aws..", "dev.visionapi.problem..", "dev.visionapi.config..",
                                "dev.visionapi.usage.."))))
                .as("jobs depend on no package of the service but analysis, sources, bedrock, image, aws, problem, "
                        + "config and usage"));
    }

    @Test
    void usageIsALedgerBelowApiAndJobs() {
        check(noClasses()
                .that().resideInAPackage("dev.visionapi.usage..")
                .should().dependOnClassesThat(resideInAPackage("dev.visionapi..")
                        .and(not(resideInAnyPackage("dev.visionapi.usage..", "dev.visionapi.problem..",
                                "dev.visionapi.config.."))))
                .as("usage (the usage ledger, recorded by api and jobs) depends on no package of the service but "
                        + "problem and config"));
    }

    @Test
    void batchInferenceStaysOffTheJobStore() {
        check(noClasses()
                .that().resideInAPackage("dev.visionapi.jobs.batch..")
                .should().dependOnClassesThat()
                .resideInAnyPackage("dev.visionapi.jobs", "dev.visionapi.api..", "dev.visionapi.ops..")
                .as("jobs.batch (Bedrock batch inference) depends on neither the job store (jobs) nor api or ops"));
    }

    @Test
    void onlyTheEmulatorUsesTheEmulator() {
        check(noClasses()
                .that().resideOutsideOfPackage(EMULATOR)
                .should().dependOnClassesThat().resideInAPackage(EMULATOR)
                .as("no class outside the Bedrock emulator depends on it"));
    }

    @Test
    void nothingDependsOnApi() {
        check(noClasses()
                .that().resideOutsideOfPackage("dev.visionapi.api..")
                .should().dependOnClassesThat().resideInAPackage("dev.visionapi.api..")
                .as("nothing but api depends on api (ops sits beside it and must not use it)"));
    }

    @Test
    void noPackageCycles() {
        check(slices().matching("dev.visionapi.(*)..").should().beFreeOfCycles());
    }

    private static void check(ArchRule rule) {
        rule.check(classes);
    }

    private static DescribedPredicate<JavaAccess<?>> targetAnnotatedWith(Class<? extends Annotation> annotation) {
        return DescribedPredicate.describe("target annotated with @" + annotation.getSimpleName(),
                access -> access.getTarget().isAnnotatedWith(annotation));
    }

    private static DescribedPredicate<JavaMethodCall> named(Class<?> owner, String name) {
        return DescribedPredicate.describe(owner.getSimpleName() + "." + name,
                call -> call.getTarget().getName().equals(name) && call.getTarget().getOwner().isAssignableTo(owner));
    }

    private static DescribedPredicate<JavaMethodCall> declaredLookupOnClass() {
        return DescribedPredicate.describe("Class.getDeclared*", call -> call.getTarget().getOwner()
                .isEquivalentTo(Class.class) && call.getTarget().getName().startsWith("getDeclared"));
    }
}
