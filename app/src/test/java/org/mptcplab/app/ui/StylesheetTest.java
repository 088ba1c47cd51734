package org.mptcplab.app.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.mptcplab.app.view.Styles;

/**
 * Keeps {@link Styles} and app.css in step (no display needed): a renamed class on either side
 * would otherwise silently lose its look.
 */
class StylesheetTest {

    /** Modena's and chartfx's own classes that app.css styles but that are not ours to name. */
    private static final Set<String> MODENA_CLASSES = Set.of("root", "split-pane", "text-field", "bar", "list-cell",
            "chart", "chart-title", "axis", "label");

    @Test
    void everyStyleConstantHasARuleAndEveryRuleAConstant() throws Exception {
        Set<String> constants = styleClassConstants();
        Set<String> inCss = classesUsedIn(stylesheet());
        inCss.removeAll(MODENA_CLASSES);

        assertThat(constants).isNotEmpty();
        assertThat(inCss).containsExactlyInAnyOrderElementsOf(constants);
    }

    @Test
    void fxmlUsesTheConstantsNotLiterals() throws Exception {
        String fxml = resource("/fxml/MainView.fxml");
        // Style classes come in through fx:constant, so a literal would bypass Styles.
        assertThat(fxml).doesNotContain("styleClass=\"");
        for (String name : new String[] {"TOP_BAR", "MODE_BUTTON", "EMPTY_STATE", "STATUS_BAR"}) {
            assertThat(fxml).contains("fx:constant=\"" + name + "\"");
        }
    }

    private static Set<String> styleClassConstants() throws IllegalAccessException {
        Set<String> names = new TreeSet<>();
        for (Field field : Styles.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class
                    && !field.getName().endsWith("STYLESHEET")) {
                names.add((String) field.get(null));
            }
        }
        return names;
    }

    private static Set<String> classesUsedIn(String css) {
        String withoutComments = css.replaceAll("(?s)/\\*.*?\\*/", "");
        // Only selectors: the text before each '{'. Values such as 0.08 never start a class.
        Set<String> classes = new TreeSet<>();
        Matcher selectorBlocks = Pattern.compile("([^{}]+)\\{").matcher(withoutComments);
        while (selectorBlocks.find()) {
            Matcher cls = Pattern.compile("\\.([a-zA-Z][\\w-]*)").matcher(selectorBlocks.group(1));
            while (cls.find()) {
                classes.add(cls.group(1));
            }
        }
        return classes;
    }

    private static String stylesheet() throws IOException {
        return resource(Styles.STYLESHEET);
    }

    private static String resource(String path) throws IOException {
        try (InputStream in = StylesheetTest.class.getResourceAsStream(path)) {
            assertThat(in).as(path).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
